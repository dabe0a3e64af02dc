/**
 * Demo mode ({@code --es.demo.enabled=true} or the {@code demo} profile): many orders migrated live to the other
 * store by one bulk run while writers keep writing, then a check that every acknowledged write is in its order's
 * history exactly once, reported as a {@link dev.es.sample.demo.DemoReport}. Everything here is non-null unless
 * marked {@code @Nullable}.
 */
@NullMarked
package dev.es.sample.demo;

import org.jspecify.annotations.NullMarked;
