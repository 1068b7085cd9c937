package io.wxface;

import com.sun.jna.Pointer;
import io.wxface.internal.SizeT;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

    /**
     * Copies the text fields of {@code r}, then frees it whatever happens.
     * Only the getimage answers have binary fields, and they go through
     * {@link #copy} to keep them: the others need neither the field count
     * nor a look for fields without a text form.
     */
    static Map<String, String> take(Pointer r) {
        try {
            return texts(r);
        } finally {
            Lib.wxface_response_free(r);
        }
    }

    /**
     * Copies every field of {@code r}, then frees it whatever happens. A
     * listed field without a text form (the photo of the getimage calls)
     * is copied as its bytes.
     */
    static Fields copy(Pointer r) {
        try {
            Map<String, String> text = texts(r);
            Map<String, byte[]> binary = new LinkedHashMap<>();
            long n = Lib.wxface_response_count(r).longValue();
            for (long i = 0; i < n && text.size() + binary.size() < n; i++) {
                String name = CStrings.read(Lib.wxface_response_field_name(r, new SizeT(i)));
                if (name != null && !text.containsKey(name)) {
                    binary.put(name, bytes(r, CStrings.required(name, "field")));
                }
            }
            return new Fields(text, Collections.unmodifiableMap(binary));
        } finally {
            Lib.wxface_response_free(r);
        }
    }

    /**
     * Copies the text fields of a response the library still owns (an
     * audit record during its callback), leaving it alone.
     */
    static Map<String, String> borrow(Pointer r) {
        return texts(r);
    }

    /**
     * Every field with a text form, unmodifiable, from one native call
     * ({@code wxface_response_texts}: name NUL value NUL ...) and one copy
     * into this thread's buffer, split here.
     */
    private static Map<String, String> texts(Pointer r) {
        Scratch s = Scratch.get();
        s.clearData();
        s.check(Lib.wxface_response_texts(r, s.data, s.len, s.error));
        long n = s.takeLen();
        if (n == 0) {
            return Collections.emptyMap();
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new WxFaceException(WxFaceException.Code.BAD_RESPONSE, "an answer is too large for a Java array");
        }
        int size = (int) n;
        byte[] block = s.block(size);
        s.takeData().read(0, block, 0, size);
        String[][] split = s.fields();
        int pairs = 0;
        try {
            // One pass: each name and value goes into the thread's arrays,
            // then into arrays of the answer's own size. A name without its
            // value (the block ends after it) is dropped.
            String name = null;
            for (int start = 0, i = 0; i < size; i++) {
                if (block[i] != 0) {
                    continue;
                }
                if (name == null) {
                    name = s.name(block, start, i);
                } else {
                    if (pairs == split[0].length) {
                        split = s.moreFields();
                    }
                    split[0][pairs] = name;
                    split[1][pairs++] = new String(block, start, i - start, StandardCharsets.UTF_8);
                    name = null;
                }
                start = i + 1;
            }
            String[] names = Arrays.copyOf(split[0], pairs);
            String[] values = Arrays.copyOf(split[1], pairs);
            if (pairs <= FieldMap.MAX) {
                return new FieldMap(names, values, pairs);
            }
            Map<String, String> text = new LinkedHashMap<>(pairs * 4 / 3 + 1);
            for (int i = 0; i < pairs; i++) {
                text.put(names[i], values[i]);
            }
            return Collections.unmodifiableMap(text);
        } finally {
            // The values (openids, verify results) stay only in the answer.
            Arrays.fill(split[1], 0, pairs, null);
            s.wipe(block, size);
        }
    }

    private static byte[] bytes(Pointer r, byte[] field) {
        Scratch s = Scratch.get();
        s.clearData();
        s.check(Lib.wxface_response_bytes(r, field, s.data, s.len, s.error));
        long n = s.takeLen();
        if (n > Integer.MAX_VALUE - 8) {
            throw new WxFaceException(WxFaceException.Code.BAD_RESPONSE, "a binary field is too large for a Java array");
        }
        Pointer p = s.takeData();
        // An empty field may point anywhere (or nowhere): never read it.
        return n == 0 || p == null ? new byte[0] : p.getByteArray(0, (int) n);
    }

    /** A response's fields once copied: text ones, and binary ones apart. */
    static final class Fields {
        final Map<String, String> text;
        final Map<String, byte[]> binary;

        Fields(Map<String, String> text, Map<String, byte[]> binary) {
            this.text = text;
            this.binary = binary;
        }
    }
}
