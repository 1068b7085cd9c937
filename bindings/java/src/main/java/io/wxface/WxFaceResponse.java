package io.wxface;

import com.sun.jna.Pointer;
import io.wxface.internal.SizeT;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Every field of a wxface response, copied into Java (the native response
 * is freed before the call returns), under WeChat's names and in WeChat's
 * order. Integers are kept as their decimal text. Immutable.
 */
public class WxFaceResponse {
    private final Map<String, String> fields;

    WxFaceResponse(Map<String, String> fields) {
        this.fields = fields;
    }

    /** An unmodifiable view of every field, in WeChat's order. */
    public final Map<String, String> fields() {
        return fields;
    }

    /** The field as text, or null if absent. */
    public final String get(String field) {
        return fields.get(field);
    }

    /** The field as a whole number; empty if absent or not one. */
    public final OptionalLong getLong(String field) {
        String v = fields.get(field);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    final long longOr(String field, long fallback) {
        return getLong(field).orElse(fallback);
    }

    @Override
    public String toString() {
        // Field names only: values may be verify_results or other secrets.
        return getClass().getSimpleName() + fields.keySet();
    }

    /** Copies every field of {@code r}, then frees it whatever happens. */
    static Map<String, String> take(Pointer r) {
        try {
            long n = Lib.wxface_response_count(r).longValue();
            Map<String, String> out = new LinkedHashMap<>();
            for (long i = 0; i < n; i++) {
                String name = CStrings.read(Lib.wxface_response_field_name(r, new SizeT(i)));
                if (name == null) {
                    continue;
                }
                String value = CStrings.read(Lib.wxface_response_str(r, CStrings.required(name, "field")));
                if (value != null) {
                    out.put(name, value);
                }
            }
            return Collections.unmodifiableMap(out);
        } finally {
            Lib.wxface_response_free(r);
        }
    }
}
