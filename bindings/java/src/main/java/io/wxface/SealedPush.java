package io.wxface;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A push built as WeChat would send it: POST {@link #getBody()} to {@code url?}{@link #getQuery()}. Immutable. */
public final class SealedPush extends WxFaceResponse {
    SealedPush(Map<String, String> fields) {
        super(fields);
    }

    /** The query string, to append after {@code ?}. */
    public String getQuery() {
        return get("query");
    }

    /** The body (JSON or XML text). */
    public String getBody() {
        return get("body");
    }

    /** The body as the UTF-8 bytes to send. */
    public byte[] getBodyBytes() {
        String body = getBody();
        return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    }
}
