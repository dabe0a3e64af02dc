package dev.es.engine.store;

/**
 * What an append did.
 *
 * @param streamId        the stream appended to
 * @param store           the name of the store holding it
 * @param previousVersion the stream's version before the append
 * @param newVersion      the version of the last event appended
 * @param alreadyWritten  whether the events were found already written (an idempotent re-append) and nothing was written
 */
public record AppendResult(String streamId, String store, long previousVersion, long newVersion, boolean alreadyWritten) {
}
