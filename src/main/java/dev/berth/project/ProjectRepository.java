package dev.berth.project;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Writes, and the rarer reads (the hot ones are in {@link ProjectRows}). Every finder is scoped by team; soft-deleted rows are skipped by the entity's {@code @Where} (and by hand in the SQL below). */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface ProjectRepository extends CrudRepository<Project, UUID> {


    @Query("""
            SELECT * FROM projects
            WHERE team_id = :teamId AND deleted_at IS NULL AND id > :after AND metadata @> CAST(:metadata AS jsonb)
            ORDER BY id LIMIT :limit""")
    List<Project> pageWhereMetadataContains(UUID teamId, UUID after, String metadata, int limit);

    @Query("UPDATE projects SET deleted_at = now(), updated_at = now() WHERE id = :id AND team_id = :teamId AND deleted_at IS NULL")
    int softDelete(UUID id, UUID teamId);
}
