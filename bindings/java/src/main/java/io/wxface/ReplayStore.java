package io.wxface;

/**
 * Keeps accepted verify_results in the integrator's own store (a table in
 * Oracle, SQL Server, DB2...) shared by every server, so that a result
 * accepted by one is refused by all. Called from the thread making the
 * verification, possibly from several threads at once: it must be
 * thread-safe. Anything it throws fails the verification with
 * {@link WxFaceException.Code#STATE_STORE}: never a pass.
 */
@FunctionalInterface
public interface ReplayStore {
    /**
     * Remembers {@code key} for at least {@code ttlSeconds}, checking and
     * inserting in one atomic step (an INSERT against a primary key, where
     * a duplicate-key error means "seen").
     *
     * @param key at most 200 ASCII characters: a digest of the verify_result
     *     under {@code state_key_prefix}, never the value itself
     * @param ttlSeconds how long the key must be remembered at least
     * @return true if the key was not known (it is now), false if it was (a replay)
     */
    boolean remember(String key, long ttlSeconds) throws Exception;
}
