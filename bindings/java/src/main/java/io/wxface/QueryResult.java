package io.wxface;

import java.util.Map;

/** A 2.0 verification that passed ({@code verify_ret} 10000): queryverifyinfo's fields. Immutable. */
public final class QueryResult extends WxFaceResponse {
    QueryResult(Map<String, String> fields) {
        super(fields);
    }

    /** {@code verify_ret}: 10000 for a verification that passed. */
    public long getVerifyRet() {
        return longOr("verify_ret", -1);
    }
}
