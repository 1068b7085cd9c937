package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldMapTest {
    private static final String[] NAMES = {"errcode", "errmsg", "identify_ret", "openid"};
    private static final String[] VALUES = {"0", "ok", "0", "oU1"};

    /** The answer's fields behave as the LinkedHashMap they replace: same order, equality, hash code and text. */
    @Test
    void answerFieldsAreAnOrdinaryMapInWeChatsOrder() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            expected.put(NAMES[i], VALUES[i]);
        }
        FieldMap fields = new FieldMap(NAMES.clone(), VALUES.clone(), NAMES.length);
        assertEquals(expected, fields);
        assertEquals(fields, expected);
        assertEquals(expected.hashCode(), fields.hashCode());
        assertEquals(expected.toString(), fields.toString());
        assertEquals(Arrays.asList(NAMES), new ArrayList<>(fields.keySet()));
        assertEquals(Arrays.asList(VALUES), new ArrayList<>(fields.values()));
        assertEquals("oU1", fields.get("openid"));
        assertTrue(fields.containsKey("errmsg"));
        assertNull(fields.get("verify_ret"));
        assertFalse(fields.containsKey(null));
        assertEquals(0, new FieldMap(new String[0], new String[0], 0).size());
    }

    @Test
    void answerFieldsCannotBeChanged() {
        FieldMap fields = new FieldMap(NAMES.clone(), VALUES.clone(), NAMES.length);
        assertThrows(UnsupportedOperationException.class, () -> fields.put("identify_ret", "0"));
        assertThrows(UnsupportedOperationException.class, () -> fields.remove("openid"));
        assertThrows(UnsupportedOperationException.class, fields::clear);
        assertThrows(UnsupportedOperationException.class, () -> fields.entrySet().iterator().next().setValue("1"));
        Iterator<String> names = fields.keySet().iterator();
        names.next();
        assertThrows(UnsupportedOperationException.class, names::remove);
        assertEquals(NAMES.length, fields.size());
    }
}
