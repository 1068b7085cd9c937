package io.wxface;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.wxface.internal.SizeT;

/**
 * The C ABI of include/wxface.h, direct-mapped (JNA's fastest path: no proxy,
 * no reflection per call). Every {@code const char *} argument is
 * NUL-terminated UTF-8, never a Java String, so the platform charset never
 * matters: a {@code byte[]} made by {@link CStrings}, or for the client
 * calls a Pointer into the per-thread memory {@link Arguments} wrote (JNA
 * copies a {@code byte[]} in and back out at each call). Out-parameters and the
 * {@code wxface_error} are raw {@link Pointer}s into memory the caller owns.
 */
final class Lib {
    /** sizeof(wxface_error): four int32 then char message[512]. */
    static final int ERROR_SIZE = 16 + 512;
    static final int ERROR_MESSAGE_OFFSET = 16;
    /** WXFACE_TOKEN_MAX. */
    static final int TOKEN_MAX = 2049;

    /**
     * The MAJOR.MINOR of libwxface this binding was written for. In 0.x an
     * ABI may break at MINOR (ABI.md), so both must match.
     */
    static final String ABI_VERSION = "0.2";

    private static final UnsatisfiedLinkError LOAD_ERROR;
    /** The library the methods below are bound to (NativeLoader may load others later). */
    private static final NativeLibrary LIBRARY;

    static {
        UnsatisfiedLinkError failure = null;
        NativeLibrary bound = null;
        try {
            NativeLibrary lib = NativeLoader.load();
            // The version first: a library of another version may lack symbols,
            // and its version is the clearer message.
            Pointer version = lib.getFunction("wxface_version").invokePointer(new Object[0]);
            checkVersion(version == null ? "(none)" : version.getString(0, "UTF-8"), lib.getFile());
            Native.register(Lib.class, lib);
            bound = lib;
        } catch (UnsatisfiedLinkError e) {
            failure = e;
        } catch (RuntimeException | LinkageError e) {
            // e.g. a symbol missing from an older libwxface.
            failure = new UnsatisfiedLinkError("libwxface could not be bound: " + e);
            failure.initCause(e);
        }
        LOAD_ERROR = failure;
        LIBRARY = bound;
    }

    private Lib() {}

    /** Refuses a library of another MAJOR.MINOR, naming both versions. */
    static void checkVersion(String version, java.io.File file) {
        String[] parts = version.split("\\.", -1);
        if (parts.length != 3 || !(parts[0] + "." + parts[1]).equals(ABI_VERSION)) {
            throw new UnsatisfiedLinkError("libwxface " + version + " (" + file
                    + ") is not compatible with this binding, which needs " + ABI_VERSION
                    + ".x (0.x releases break the ABI at MINOR)");
        }
    }

    /**
     * Throws, with the list of places tried, if libwxface could not be
     * loaded. Without it a failed load would surface later as a bare
     * "Could not initialize class".
     */
    static void ensureLoaded() {
        if (LOAD_ERROR != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(LOAD_ERROR.getMessage());
            e.initCause(LOAD_ERROR);
            throw e;
        }
    }

    /** wxface_token_callback. */
    interface TokenCallback extends Callback {
        int invoke(Pointer userData, Pointer staleToken, Pointer tokenOut, SizeT tokenOutLen, Pointer expiresIn);
    }

    /** wxface_replay_callback. */
    interface ReplayCallback extends Callback {
        int invoke(Pointer userData, Pointer key, long ttlSeconds);
    }

    /** wxface_log_callback. */
    interface LogCallback extends Callback {
        void invoke(Pointer userData, int level, Pointer message);
    }

    /** wxface_audit_callback. */
    interface AuditCallback extends Callback {
        void invoke(Pointer userData, Pointer record, Pointer json);
    }

    // Configuration and clients.
    static native Pointer wxface_config_new();

    static native int wxface_config_set(Pointer cfg, byte[] key, byte[] value, Pointer err);

    static native int wxface_config_load_file(Pointer cfg, byte[] path, Pointer err);

    static native int wxface_config_set_token_callback(Pointer cfg, TokenCallback cb, Pointer userData, Pointer err);

    static native int wxface_config_set_replay_callback(
            Pointer cfg, ReplayCallback cb, Pointer userData, Pointer err);

    static native int wxface_config_set_log_callback(Pointer cfg, LogCallback cb, Pointer userData, Pointer err);

    static native int wxface_config_set_audit_callback(Pointer cfg, AuditCallback cb, Pointer userData, Pointer err);

    static native void wxface_config_free(Pointer cfg);

    static native int wxface_client_new(Pointer cfg, Pointer out, Pointer err);

    static native int wxface_client_with_timeout(Pointer client, int timeoutMs, Pointer out, Pointer err);

    static native void wxface_client_free(Pointer client);

    static native int wxface_client_stats(Pointer client, Pointer out, Pointer err);

    // Codes and version.
    static native Pointer wxface_code_name(int code);

    static native Pointer wxface_code_description(int code);

    static native Pointer wxface_version();

    // Offline helpers.
    static native int wxface_id_card_normalize(byte[] in, byte[] out, Pointer err);

    static native int wxface_md5_id_card_number(byte[] idCardNumber, byte[] out, Pointer err);

    static native int wxface_md5_name(byte[] name, byte[] out, Pointer err);

    static native int wxface_cert_hash(byte[] certType, byte[] certName, byte[] certNo, byte[] out, Pointer err);

    // Responses.
    static native Pointer wxface_response_str(Pointer r, byte[] field);

    static native int wxface_response_bytes(Pointer r, byte[] field, Pointer data, Pointer len, Pointer err);

    static native int wxface_response_texts(Pointer r, Pointer data, Pointer len, Pointer err);

    static native SizeT wxface_response_count(Pointer r);

    static native Pointer wxface_response_field_name(Pointer r, SizeT index);

    static native void wxface_response_free(Pointer r);

    // 1.0.
    static native int wxface_v1_get_user_id_key(
            Pointer c, Pointer name, Pointer idCardNumber, Pointer outSeqNo, Pointer out, Pointer err);

    static native int wxface_v1_get_info(Pointer c, Pointer verifyResult, Pointer out, Pointer err);

    static native int wxface_v1_verify(
            Pointer c,
            Pointer verifyResult,
            Pointer name,
            Pointer idCardNumber,
            Pointer userIdKey,
            Pointer openid,
            Pointer out,
            Pointer err);

    static native int wxface_v1_get_image(Pointer c, Pointer verifyResult, Pointer out, Pointer err);

    // 2.0.
    static native int wxface_v2_get_verify_id(
            Pointer c, Pointer outSeqNo, Pointer openid, Pointer name, Pointer idCardNumber, Pointer out, Pointer err);

    static native int wxface_v2_query(
            Pointer c, Pointer verifyId, Pointer outSeqNo, Pointer openid, Pointer certHash, Pointer out, Pointer err);

    static native int wxface_v2_wait(
            Pointer c,
            Pointer verifyId,
            Pointer outSeqNo,
            Pointer openid,
            Pointer certHash,
            int timeoutMs,
            Pointer cancel,
            Pointer out,
            Pointer err);

    static native int wxface_out_seq_no_new(byte[] buf, SizeT len, Pointer err);

    // Push.
    static native int wxface_push_url_echo(Pointer c, Pointer query, Pointer out, Pointer err);

    static native int wxface_push_open(
            Pointer c, Pointer query, Pointer body, SizeT bodyLen, Pointer event, Pointer err);

    static native int wxface_push_seal(
            Pointer c,
            Pointer format,
            Pointer mode,
            Pointer message,
            SizeT messageLen,
            long timestamp,
            Pointer nonce,
            Pointer out,
            Pointer err);

    /** The library bound here; also keeps it reachable. */
    static NativeLibrary library() {
        ensureLoaded();
        return LIBRARY;
    }
}
