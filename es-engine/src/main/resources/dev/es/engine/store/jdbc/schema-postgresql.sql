-- es schema for PostgreSQL. ${prefix} is replaced by the validated table prefix (default es_).
-- Only CREATE ... IF NOT EXISTS, ALTER TABLE ... ADD COLUMN IF NOT EXISTS and CREATE OR REPLACE FUNCTION: running it
-- again changes nothing (a function is replaced by the one this version ships), and it never drops anything.

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
    CONSTRAINT ${prefix}events_pk PRIMARY KEY (stream_id, version)
);

-- Event ids are unique per stream, not store-wide: a migrated copy in the same store keeps its id.
CREATE UNIQUE INDEX IF NOT EXISTS ${prefix}events_event_id_uk ON ${prefix}events (stream_id, event_id);
-- No store-wide order: nothing in es reads one, and its identity column and unique index cost every append (about a
-- tenth of a 100-event append). Databases made by versions that had it (column position, index events_position_uk)
-- keep both; appends never name the column, so its identity still fills it.

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

-- The backup taken before the migration's copy (withBackup), when one was.
ALTER TABLE ${prefix}migrations ADD COLUMN IF NOT EXISTS backup_id varchar(150);
-- The audit trail (a JSON array of phase and status changes) and the migration that rolled this one back.
ALTER TABLE ${prefix}migrations ADD COLUMN IF NOT EXISTS audit text;
ALTER TABLE ${prefix}migrations ADD COLUMN IF NOT EXISTS rollback_migration_id varchar(100);
-- What a rollback needs to know (JSON: whether events were transformed, whether the source is kept).
ALTER TABLE ${prefix}migrations ADD COLUMN IF NOT EXISTS rollback_support text;

CREATE INDEX IF NOT EXISTS ${prefix}migrations_status_idx ON ${prefix}migrations (status);
-- The entries of one object, read when a migration of it is launched.
CREATE INDEX IF NOT EXISTS ${prefix}migrations_object_idx ON ${prefix}migrations (object_name, object_id);

-- Lease rows. A released lease keeps its row so that fencing tokens only ever grow.
CREATE TABLE IF NOT EXISTS ${prefix}locks (
    lock_key      varchar(500) NOT NULL PRIMARY KEY,
    owner         varchar(100),
    fencing_token bigint       NOT NULL,
    expires_at    timestamptz  NOT NULL
);

-- An append in one statement (JdbcEventStore). Refusals are answered as a row, never raised, so that a caller's
-- transaction the append joined stays usable. r_status: 0 appended after r_version; 1 some event ids are already in the
-- stream, r_found holds the version of each event of the batch (null when absent) and nothing was written; 2 the
-- stream's fence (r_fence) is above the token; 3 the stream is closed at r_version (r_close_payload); 4 the stream is at
-- r_version, not at the expected one. p_expected -1 is any version, p_token -1 an unfenced append. The fast path is the
-- conditional update of the stream row (which also locks it), a probe of the unique (stream_id, event_id) index for
-- each event id (the batch may repeat events already written) and the insert; the checks run only when the update
-- misses. Every statement is a primary key or unique index probe, whatever plan is cached: the cost follows the batch,
-- not the stream.
CREATE OR REPLACE FUNCTION ${prefix}append(
    p_stream_id       varchar,
    p_expected        bigint,
    p_token           bigint,
    p_event_ids       text[],
    p_types           text[],
    p_schema_versions integer[],
    p_payloads        text[],
    p_metadata        text[],
    p_recorded_at     text[],
    p_close_payload   text)
    RETURNS TABLE (r_status integer, r_version bigint, r_fence bigint, r_close_payload text, r_found bigint[])
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
    n         bigint := cardinality(p_event_ids);
    v_token   bigint := CASE WHEN p_token < 0 THEN 9223372036854775807 ELSE p_token END;
    v_version bigint;
    v_close   text;
    v_fence   bigint;
    v_found   bigint[];
    v_tries   integer := 0;
BEGIN
    UPDATE ${prefix}streams s SET version = s.version + n, close_payload = CAST(p_close_payload AS jsonb)
     WHERE s.stream_id = p_stream_id AND s.close_payload IS NULL AND s.fence <= v_token
       AND (p_expected < 0 OR s.version = p_expected)
    RETURNING s.version - n INTO v_version;
    IF FOUND THEN
        IF v_version > 0 THEN
            SELECT array_agg((SELECT e.version FROM ${prefix}events e
                               WHERE e.stream_id = p_stream_id AND e.event_id = u.id) ORDER BY u.i)
              INTO v_found FROM unnest(p_event_ids) WITH ORDINALITY AS u (id, i);
            IF cardinality(array_remove(v_found, NULL)) > 0 THEN
                -- an idempotency answer: take the update back (the row stays locked) and write nothing
                UPDATE ${prefix}streams s SET version = v_version, close_payload = NULL
                 WHERE s.stream_id = p_stream_id;
                RETURN QUERY SELECT 1, v_version, NULL::bigint, NULL::text, v_found;
                RETURN;
            END IF;
        END IF;
    ELSE
        LOOP
            SELECT s.version, CAST(s.close_payload AS text), s.fence INTO v_version, v_close, v_fence
              FROM ${prefix}streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
            IF FOUND THEN
                IF v_fence > v_token THEN
                    RETURN QUERY SELECT 2, v_version, v_fence, NULL::text, NULL::bigint[];
                    RETURN;
                END IF;
                IF v_version > 0 THEN
                    SELECT array_agg((SELECT e.version FROM ${prefix}events e
                                       WHERE e.stream_id = p_stream_id AND e.event_id = u.id) ORDER BY u.i)
                      INTO v_found FROM unnest(p_event_ids) WITH ORDINALITY AS u (id, i);
                    IF cardinality(array_remove(v_found, NULL)) > 0 THEN
                        RETURN QUERY SELECT 1, v_version, v_fence, NULL::text, v_found;
                        RETURN;
                    END IF;
                END IF;
                IF v_close IS NOT NULL THEN
                    RETURN QUERY SELECT 3, v_version, v_fence, v_close, NULL::bigint[];
                    RETURN;
                END IF;
                IF p_expected >= 0 AND v_version <> p_expected THEN
                    RETURN QUERY SELECT 4, v_version, v_fence, NULL::text, NULL::bigint[];
                    RETURN;
                END IF;
                UPDATE ${prefix}streams s SET version = v_version + n, close_payload = CAST(p_close_payload AS jsonb)
                 WHERE s.stream_id = p_stream_id;
                EXIT;
            END IF;
            -- a new stream: nothing to lock yet, and a refused append leaves no row behind
            IF p_expected > 0 THEN
                RETURN QUERY SELECT 4, 0::bigint, 0::bigint, NULL::text, NULL::bigint[];
                RETURN;
            END IF;
            INSERT INTO ${prefix}streams AS s (stream_id, version, close_payload)
            VALUES (p_stream_id, n, CAST(p_close_payload AS jsonb))
            ON CONFLICT (stream_id) DO NOTHING;
            IF FOUND THEN
                v_version := 0;
                EXIT;
            END IF;
            -- created by another writer meanwhile (the insert waited for it): lock that row
            v_tries := v_tries + 1;
            IF v_tries > 100 THEN
                RAISE EXCEPTION 'stream row of % keeps vanishing', p_stream_id USING ERRCODE = 'serialization_failure';
            END IF;
        END LOOP;
    END IF;
    INSERT INTO ${prefix}events (stream_id, version, event_id, type, schema_version, payload, metadata, recorded_at)
    SELECT p_stream_id, v_version + u.i, u.id, u.type, u.schema_version, CAST(u.payload AS jsonb),
           CAST(u.metadata AS jsonb), CAST(u.recorded_at AS timestamptz)
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_payloads, p_metadata, p_recorded_at)
           WITH ORDINALITY AS u (id, type, schema_version, payload, metadata, recorded_at, i);
    RETURN QUERY SELECT 0, v_version, NULL::bigint, NULL::text, NULL::bigint[];
END
$$;
