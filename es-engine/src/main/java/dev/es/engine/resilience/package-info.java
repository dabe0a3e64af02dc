/**
 * Transient store errors: calls retried with a jittered exponential backoff and guarded by a circuit breaker per
 * store (Resilience4j), only for what {@link dev.es.engine.ErrorCategory#of(Throwable)} calls
 * {@link dev.es.engine.ErrorCategory#TRANSIENT}.
 */
@NullMarked
package dev.es.engine.resilience;

import org.jspecify.annotations.NullMarked;
