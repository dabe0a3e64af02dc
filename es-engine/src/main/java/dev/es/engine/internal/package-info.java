/**
 * Internal helpers of the engine, shared across its packages. Not part of the API: they may change in any release;
 * applications and store implementations should not use them.
 */
package dev.es.engine.internal;
