package dev.berth.identity;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface TeamRepository extends CrudRepository<Team, UUID> {
    Optional<Team> findBySlug(String slug);

    List<Team> findByIdIn(Collection<UUID> ids);

    @Query("INSERT INTO teams (id, slug, name) VALUES (:id, :slug, :name) ON CONFLICT (slug) DO NOTHING")
    void insertIfAbsent(UUID id, String slug, String name);
}
