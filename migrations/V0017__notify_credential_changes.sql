-- Every change that can make a resolved caller stale (a token revoked or narrowed, a session ended, a membership
-- added, changed or removed, a user's admin flag) notifies 'berth_credentials' when its transaction commits, so
-- every Berth node drops the callers it cached (identity/ViewerCache), whatever code path made the change.
-- A token's last use (api_tokens.last_used_at) and a new session are not such changes. The transaction also
-- marks itself (berth.credentials_changed), so the node that made the change forgets its cached callers the
-- moment it commits, before its client can send the next request.
CREATE FUNCTION berth_notify_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('berth.credentials_changed', 'on', true);
    PERFORM pg_notify('berth_credentials', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_tokens_credentials
    AFTER UPDATE OF team_id, user_id, token_hash, scopes, project_ids, expires_at, revoked_at OR DELETE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION berth_notify_credentials();
CREATE TRIGGER sessions_credentials
    AFTER UPDATE OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION berth_notify_credentials();
CREATE TRIGGER memberships_credentials
    AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH STATEMENT EXECUTE FUNCTION berth_notify_credentials();
CREATE TRIGGER users_credentials
    AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION berth_notify_credentials();
