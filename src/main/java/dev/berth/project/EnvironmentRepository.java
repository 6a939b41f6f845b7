package dev.berth.project;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Every finder is scoped by team; soft-deleted rows are skipped by the entity's {@code @Where} (and by hand in the SQL below). */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface EnvironmentRepository extends CrudRepository<Environment, UUID> {

    Optional<Environment> findByIdAndTeamId(UUID id, UUID teamId);

    @Query("UPDATE environments SET deleted_at = now(), updated_at = now() WHERE id = :id AND team_id = :teamId AND deleted_at IS NULL")
    int softDelete(UUID id, UUID teamId);

    @Query("UPDATE environments SET deleted_at = now(), updated_at = now() WHERE project_id = :projectId AND team_id = :teamId AND deleted_at IS NULL")
    int softDeleteByProject(UUID projectId, UUID teamId);
}
