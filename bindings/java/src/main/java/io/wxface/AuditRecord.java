package io.wxface;

import java.util.Map;

/**
 * One audited call, as the library recorded it: masked or hashed values
 * only, never a name, ID number, verify_result, token or secret (README,
 * "The audit trail"). Immutable; {@link #toString} is the JSON line, which
 * is safe to log.
 */
public final class AuditRecord extends WxFaceResponse {
    private final String json;

    AuditRecord(Map<String, String> fields, String json) {
        super(fields);
        this.json = json;
    }

    /** When the call ended: RFC 3339, UTC, milliseconds. */
    public String time() {
        return get("time");
    }

    /** v1_verify, v2_get_verify_id, v2_query, v2_wait, push_open or token_fetch. */
    public String call() {
        return get("call");
    }

    /** VERIFIED, OK, PENDING, REJECTED or FAILED; only VERIFIED is a pass. */
    public String outcome() {
        return get("outcome");
    }

    /** The code the call returned. */
    public WxFaceException.Code code() {
        return WxFaceException.Code.fromValue((int) longOr("code", WxFaceException.Code.INTERNAL.value()));
    }

    /** WeChat's errcode, or 0. */
    public long errcode() {
        return longOr("errcode", 0);
    }

    /** verify_ret (1.0: identify_ret), or 0. */
    public long verifyRet() {
        return longOr("verify_ret", 0);
    }

    /** The order number (masked when it is not shaped like one), or null. */
    public String outSeqNo() {
        return get("out_seq_no");
    }

    /** SHA-256 (lower-case hex) of the 1.0 verify_result, or null. */
    public String verifyResultHash() {
        return get("verify_result_hash");
    }

    /** The verify_id, masked, or null. */
    public String verifyId() {
        return get("verify_id");
    }

    /** The openid, masked, or null. */
    public String openid() {
        return get("openid");
    }

    /** The expected person, name and ID number masked, or null. */
    public String subject() {
        return get("subject");
    }

    /** A push's Event, or null. */
    public String event() {
        return get("event");
    }

    /** Where a token came from (stable_token, token, callback), or null. */
    public String source() {
        return get("source");
    }

    public long latencyMicros() {
        return longOr("latency_us", 0);
    }

    /** HTTP requests the call made, retries included. */
    public long attempts() {
        return longOr("attempts", 0);
    }

    /** Queries made by a v2_wait, or 0. */
    public long queries() {
        return longOr("queries", 0);
    }

    /** The record as one JSON line, as {@code audit_file} holds it. */
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
