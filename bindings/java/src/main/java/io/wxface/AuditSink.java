package io.wxface;

/**
 * Receives the audit trail: one {@link AuditRecord} per 1.0 verify, 2.0
 * getverifyid, query and wait, push opened (or refused) and access-token
 * fetch. Called on the thread that made the call, after its outcome is
 * known and before it returns, possibly from several threads at once: it
 * must be thread-safe, return quickly and never block (hand the record to
 * a queue if storing it may wait), and must not call the same
 * {@link WxFaceClient}. Anything it throws is logged to "io.wxface" and
 * never changes the call's result.
 */
@FunctionalInterface
public interface AuditSink {
    void record(AuditRecord record);
}
