package dev.es.engine.migration;

import org.jspecify.annotations.Nullable;

/**
 * What a migration's routing entry keeps for a later {@code rollback}: every migration records it when it starts.
 *
 * @param requested   whether the migration was built {@code withRollbackSupport()}: its book closing then never
 *                    deletes the source, so the object's original events stay where they were, exactly as written
 *                    (a lossy transformation cannot be reversed; the source can still be read or restored from)
 * @param transformed whether the copy went through a transformer: a rollback after the cutover then needs a reverse
 *                    transformer ({@code rollback(id, reverseTransformer)})
 * @param transformer the transformer's class name, for the operator; {@code null} when none was used
 */
public record RollbackSupport(boolean requested, boolean transformed, @Nullable String transformer) {
}
