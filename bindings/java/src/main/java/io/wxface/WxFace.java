package io.wxface;

import io.wxface.internal.SizeT;

/**
 * Offline helpers and library facts. Each is one call into libwxface: the
 * ID rules and digests live there, not here.
 */
public final class WxFace {
    private WxFace() {}

    /**
     * Prints the loaded library's version and file, e.g. to check that the
     * jar alone provides it: {@code java -cp wxface-0.2.0.jar:jna-5.14.0.jar io.wxface.WxFace}.
     */
    public static void main(String[] args) {
        System.out.println("libwxface " + version() + " loaded from " + Lib.library().getFile());
    }

    /** The version of the loaded libwxface, "MAJOR.MINOR.PATCH". */
    public static String version() {
        Lib.ensureLoaded();
        return CStrings.read(Lib.wxface_version());
    }

    /** The C constant's name for a code, e.g. "WXFACE_ERR_NAME_MISMATCH"; "WXFACE_ERR_UNKNOWN" otherwise. */
    public static String codeName(int code) {
        Lib.ensureLoaded();
        return CStrings.read(Lib.wxface_code_name(code));
    }

    /** One English sentence: what the code means and what to do. */
    public static String codeDescription(int code) {
        Lib.ensureLoaded();
        return CStrings.read(Lib.wxface_code_description(code));
    }

    /**
     * The canonical 18-character resident ID number (full-width digits,
     * lower-case x and surrounding spaces accepted).
     *
     * @throws WxFaceException INVALID_ID_CARD saying what is wrong
     */
    public static String normalizeIdCard(String idCardNumber) {
        byte[] in = CStrings.required(idCardNumber, "idCardNumber");
        Lib.ensureLoaded();
        byte[] out = new byte[19];
        Scratch s = Scratch.get();
        s.check(Lib.wxface_id_card_normalize(in, out, s.error));
        return CStrings.fromBuffer(out);
    }

    /** 1.0's {@code id_card_number_md5}: lower-case hex MD5 of the normalised number. */
    public static String md5IdCardNumber(String idCardNumber) {
        byte[] in = CStrings.required(idCardNumber, "idCardNumber");
        Lib.ensureLoaded();
        byte[] out = new byte[33];
        Scratch s = Scratch.get();
        s.check(Lib.wxface_md5_id_card_number(in, out, s.error));
        return CStrings.fromBuffer(out);
    }

    /** 1.0's {@code name_utf8_md5}: lower-case hex MD5 of the name's UTF-8 bytes. */
    public static String md5Name(String name) {
        byte[] in = CStrings.required(name, "name");
        Lib.ensureLoaded();
        byte[] out = new byte[33];
        Scratch s = Scratch.get();
        s.check(Lib.wxface_md5_name(in, out, s.error));
        return CStrings.fromBuffer(out);
    }

    /**
     * 2.0's {@code cert_hash} of the three values as given, lower-case hex.
     * For IDENTITY_CARD pass the normalised number, as
     * {@link WxFaceClient#v2GetVerifyId} does.
     */
    public static String certHash(String certType, String certName, String certNo) {
        byte[] type = CStrings.required(certType, "certType");
        byte[] name = CStrings.required(certName, "certName");
        byte[] no = CStrings.required(certNo, "certNo");
        Lib.ensureLoaded();
        byte[] out = new byte[65];
        Scratch s = Scratch.get();
        s.check(Lib.wxface_cert_hash(type, name, no, out, s.error));
        return CStrings.fromBuffer(out);
    }

    /**
     * A fresh 2.0 out_seq_no: 32 lower-case hex digits (a UUIDv7) that sort
     * by creation time, unique across threads and processes, with no
     * personal data. For when there is no order number of your own.
     */
    public static String outSeqNoNew() {
        Lib.ensureLoaded();
        byte[] out = new byte[33]; // WXFACE_OUT_SEQ_NO_SIZE
        Scratch s = Scratch.get();
        s.check(Lib.wxface_out_seq_no_new(out, new SizeT(out.length), s.error));
        return CStrings.fromBuffer(out);
    }
}
