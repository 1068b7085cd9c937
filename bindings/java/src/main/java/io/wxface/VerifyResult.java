package io.wxface;

import java.util.Map;

/**
 * A 1.0 verification that passed every check of {@link WxFaceClient#v1Verify}:
 * getinfo's fields. Immutable.
 */
public final class VerifyResult extends WxFaceResponse {
    VerifyResult(Map<String, String> fields) {
        super(fields);
    }

    /** {@code identify_ret}: 0 for a verification that passed. */
    public long getIdentifyRet() {
        return longOr("identify_ret", -1);
    }

    /** {@code openid} of the WeChat user who did the verification. */
    public String getOpenid() {
        return get("openid");
    }

    /** {@code user_id_key} the verification was started with. */
    public String getUserIdKey() {
        return get("user_id_key");
    }

    /** {@code finish_time}, Unix seconds, or -1 if absent. */
    public long getFinishTime() {
        return longOr("finish_time", -1);
    }

    /** {@code identify_time}, Unix seconds, or -1 if absent. */
    public long getIdentifyTime() {
        return longOr("identify_time", -1);
    }

    /** {@code validate_data}: the digits the user read aloud, or null. */
    public String getValidateData() {
        return get("validate_data");
    }
}
