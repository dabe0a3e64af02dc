-- es schema for PostgreSQL. ${prefix} is replaced by the validated table prefix (default es_).
-- Only CREATE ... IF NOT EXISTS and ALTER TABLE ... ADD COLUMN IF NOT EXISTS: running it again changes nothing,
-- and it never drops anything.

-- One row per stream: the row an append locks, its version, the close payload once closed, and its fence (fenced
-- appends with a lower token are refused).
CREATE TABLE IF NOT EXISTS ${prefix}streams (
    stream_id     varchar(256) NOT NULL PRIMARY KEY,
    version       bigint       NOT NULL DEFAULT 0,
    close_payload jsonb,
    fence         bigint       NOT NULL DEFAULT 0
);

-- Databases made before fencing existed get the column, rows keep their data (fence 0).
ALTER TABLE ${prefix}streams ADD COLUMN IF NOT EXISTS fence bigint NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS ${prefix}events (
    stream_id      varchar(256) NOT NULL,
    version        bigint       NOT NULL,
    event_id       varchar(100) NOT NULL,
    type           varchar(200) NOT NULL,
    schema_version integer      NOT NULL,
    payload        jsonb        NOT NULL,
    metadata       jsonb        NOT NULL,
    recorded_at    timestamptz  NOT NULL,
    position       bigint       GENERATED ALWAYS AS IDENTITY,
    CONSTRAINT ${prefix}events_pk PRIMARY KEY (stream_id, version)
);

-- Event ids are unique per stream, not store-wide: a migrated copy in the same store keeps its id.
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}events_event_id_uk ON ${prefix}events (stream_id, event_id);
-- The global order, for subscriptions.
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}events_position_uk ON ${prefix}events (position);

CREATE SEQUENCE IF NOT EXISTS ${prefix}document_etag_seq;

CREATE TABLE IF NOT EXISTS ${prefix}documents (
    object_name        varchar(100) NOT NULL,
    object_id          varchar(150) NOT NULL,
    active_stream_id   varchar(256) NOT NULL,
    active_store       varchar(100) NOT NULL,
    terminated_streams jsonb        NOT NULL,
    tags               jsonb        NOT NULL,
    row_version        bigint       NOT NULL,
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT ${prefix}documents_pk PRIMARY KEY (object_name, object_id)
);

CREATE TABLE IF NOT EXISTS ${prefix}document_tags (
    object_name varchar(100) NOT NULL,
    object_id   varchar(150) NOT NULL,
    tag         varchar(100) NOT NULL,
    CONSTRAINT ${prefix}document_tags_pk PRIMARY KEY (object_name, object_id, tag)
);

CREATE INDEX IF NOT EXISTS ${prefix}document_tags_tag_idx ON ${prefix}document_tags (tag, object_name);

CREATE TABLE IF NOT EXISTS ${prefix}stream_tags (
    store     varchar(100) NOT NULL,
    stream_id varchar(256) NOT NULL,
    tag       varchar(100) NOT NULL,
    CONSTRAINT ${prefix}stream_tags_pk PRIMARY KEY (store, stream_id, tag)
);

CREATE INDEX IF NOT EXISTS ${prefix}stream_tags_tag_idx ON ${prefix}stream_tags (tag);

CREATE TABLE IF NOT EXISTS ${prefix}migrations (
    migration_id     varchar(100) NOT NULL PRIMARY KEY,
    object_name      varchar(100),
    object_id        varchar(150),
    source_stream_id varchar(256) NOT NULL,
    source_store     varchar(100) NOT NULL,
    target_stream_id varchar(256) NOT NULL,
    target_store     varchar(100) NOT NULL,
    phase            varchar(30)  NOT NULL,
    status           varchar(30)  NOT NULL,
    events_copied    bigint       NOT NULL,
    events_behind    bigint       NOT NULL,
    fencing_token    bigint       NOT NULL,
    started_at       timestamptz,
    updated_at       timestamptz,
    error            text
);

CREATE INDEX IF NOT EXISTS ${prefix}migrations_status_idx ON ${prefix}migrations (status);

-- Lease rows. A released lease keeps its row so that fencing tokens only ever grow.
CREATE TABLE IF NOT EXISTS ${prefix}locks (
    lock_key      varchar(500) NOT NULL PRIMARY KEY,
    owner         varchar(100),
    fencing_token bigint       NOT NULL,
    expires_at    timestamptz  NOT NULL
);
