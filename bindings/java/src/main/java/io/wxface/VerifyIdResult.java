package io.wxface;

import java.util.Map;

/**
 * 2.0 getverifyid. Keep verify_id, out_seq_no, openid and cert_hash for
 * {@link WxFaceClient#v2Query}; the raw name and number are no longer
 * needed. Immutable.
 */
public final class VerifyIdResult extends WxFaceResponse {
    VerifyIdResult(Map<String, String> fields) {
        super(fields);
    }

    /** {@code verify_id}, for {@code wx.requestFacialVerify}. */
    public String getVerifyId() {
        return get("verify_id");
    }

    /** {@code expires_in} in seconds, or -1 if WeChat did not say. */
    public long getExpiresIn() {
        return longOr("expires_in", -1);
    }

    /** {@code cert_hash} of the person, for {@link WxFaceClient#v2Query}. */
    public String getCertHash() {
        return get("cert_hash");
    }
}
