package io.wxface;

/**
 * A wxface call failed. {@link #getCode()} says why (one constant per
 * WXFACE_* code of wxface.h); WeChat's errcode, the verification's
 * identify_ret/verify_ret and the HTTP status are kept when there were any
 * (else 0). The message is English and never holds a name, ID number,
 * secret, token or verify_result.
 */
public class WxFaceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The codes of wxface.h, with their stable integer values. */
    public enum Code {
        OK(0),
        INVALID_ARGUMENT(1),
        INVALID_ENCODING(2),
        INVALID_ID_CARD(3),
        CONFIG(4),
        NOT_FOUND(5),
        /** WeChat refused a request field (84010-84016, 84021, 40003); the message names it. */
        FIELD_REJECTED(6),
        NETWORK(10),
        TIMEOUT(11),
        TLS(12),
        HTTP(13),
        BAD_RESPONSE(14),
        PROXY(15),
        STATE_STORE(16),
        WECHAT(20),
        ACCESS_TOKEN(21),
        RATE_LIMITED(22),
        SYSTEM_BUSY(23),
        VERIFY_RESULT_INVALID(24),
        VERIFY_RESULT_EXPIRED(25),
        USER_INFO_NOT_FOUND(26),
        /** 84022: the verify_id's hour is over; the user must start again. */
        VERIFY_ID_EXPIRED(27),
        /** 84019: the out_seq_no was used before; start again with a new one. */
        OUT_SEQ_NO_USED(28),
        NOT_PASSED(30),
        ID_MISMATCH(31),
        NAME_MISMATCH(32),
        USER_ID_KEY_MISMATCH(33),
        OPENID_MISMATCH(34),
        STALE_RESULT(35),
        REPLAYED(36),
        /** 84018: the cert_hash is not that of getverifyid's person. */
        CERT_HASH_MISMATCH(37),
        /** 84020: the out_seq_no is not getverifyid's. */
        OUT_SEQ_NO_MISMATCH(38),
        /** verify_ret 10300 or 10005: not finished; not a pass, not a failure. Ask again ({@link WxFaceClient#v2Wait}). */
        PENDING(39),
        PUSH_SIGNATURE(40),
        PUSH_DECRYPT(41),
        PUSH_APPID(42),
        PUSH_FORMAT(43),
        PUSH_STALE(44),
        PUSH_TOO_LARGE(45),
        INTERNAL(99),
        /** A value this binding does not know (a newer library); see {@link WxFaceException#getCodeValue()}. */
        UNKNOWN(-1);

        private static final Code[] BY_VALUE = new Code[100];

        static {
            for (Code c : values()) {
                if (c.value >= 0) {
                    BY_VALUE[c.value] = c;
                }
            }
        }

        private final int value;

        Code(int value) {
            this.value = value;
        }

        /** The integer of wxface.h. */
        public int value() {
            return value;
        }

        /** The C constant's name, e.g. "WXFACE_ERR_NAME_MISMATCH", as {@code wxface_code_name} gives it. */
        public String constantName() {
            switch (this) {
                case OK:
                    return "WXFACE_OK";
                case UNKNOWN:
                    return "WXFACE_ERR_UNKNOWN";
                default:
                    return "WXFACE_ERR_" + name();
            }
        }

        /** The constant for {@code value}, or {@link #UNKNOWN}. */
        public static Code fromValue(int value) {
            Code c = value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
            return c == null ? UNKNOWN : c;
        }
    }

    private final Code code;
    private final int codeValue;
    private final int wechatErrcode;
    private final int verifyRet;
    private final int httpStatus;
    private final String detail;

    /** A failure found by the binding itself, before any native call. */
    WxFaceException(Code code, String detail) {
        this(code.value(), 0, 0, 0, detail);
    }

    WxFaceException(int codeValue, int wechatErrcode, int verifyRet, int httpStatus, String detail) {
        super(Code.fromValue(codeValue) == Code.UNKNOWN
                ? "WXFACE_ERR_UNKNOWN (" + codeValue + "): " + detail
                : Code.fromValue(codeValue).constantName() + ": " + detail);
        this.code = Code.fromValue(codeValue);
        this.codeValue = codeValue;
        this.wechatErrcode = wechatErrcode;
        this.verifyRet = verifyRet;
        this.httpStatus = httpStatus;
        this.detail = detail;
    }

    public Code getCode() {
        return code;
    }

    /** The raw integer code, useful when {@link #getCode()} is UNKNOWN. */
    public int getCodeValue() {
        return codeValue;
    }

    /** "WXFACE_ERR_..." as in wxface.h. */
    public String getCodeName() {
        return code.constantName();
    }

    /** WeChat's errcode when it sent one, else 0. */
    public int getWechatErrcode() {
        return wechatErrcode;
    }

    /** identify_ret (1.0) or verify_ret (2.0) when the result was judged, else 0. */
    public int getVerifyRet() {
        return verifyRet;
    }

    /** The HTTP status when a response was received, else 0. */
    public int getHttpStatus() {
        return httpStatus;
    }

    /** The library's message without the code name in front. */
    public String getDetail() {
        return detail;
    }
}
