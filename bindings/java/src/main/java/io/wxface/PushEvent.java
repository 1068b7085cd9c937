package io.wxface;

import java.util.Map;

/**
 * An opened, authenticated push. A push is a hint: call
 * {@link WxFaceClient#v1Verify} on its verify_result for the verdict.
 * Every field is in {@link #fields()} under WeChat's names. Immutable.
 */
public final class PushEvent extends WxFaceResponse {
    PushEvent(Map<String, String> fields) {
        super(fields);
    }

    /** {@code Event}, e.g. "face_identify". */
    public String getEvent() {
        return get("Event");
    }

    /** {@code MsgType}, e.g. "event". */
    public String getMsgType() {
        return get("MsgType");
    }

    /** {@code openid} of the user, or null. */
    public String getOpenid() {
        return get("openid");
    }

    /** {@code out_seq_no} given to getuseridkey, or null. */
    public String getOutSeqNo() {
        return get("out_seq_no");
    }

    /** {@code verify_result} to check with {@link WxFaceClient#v1Verify}, or null. */
    public String getVerifyResult() {
        return get("verify_result");
    }

    /** {@code CreateTime}, Unix seconds, or -1 if absent. */
    public long getCreateTime() {
        return longOr("CreateTime", -1);
    }

    /** {@code ToUserName}, or null. */
    public String getToUserName() {
        return get("ToUserName");
    }

    /** {@code FromUserName}, or null. */
    public String getFromUserName() {
        return get("FromUserName");
    }
}
