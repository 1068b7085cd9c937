package io.wxface;

import java.util.Map;

/** 1.0 getuseridkey: the key to hand to the front end, and how long it lives. Immutable. */
public final class UserIdKeyResult extends WxFaceResponse {
    UserIdKeyResult(Map<String, String> fields) {
        super(fields);
    }

    /** {@code user_id_key}: pass it to the front end, and to {@link WxFaceClient#v1Verify}. */
    public String getUserIdKey() {
        return get("user_id_key");
    }

    /** {@code expires_in} in seconds, or -1 if WeChat did not say. */
    public long getExpiresIn() {
        return longOr("expires_in", -1);
    }
}
