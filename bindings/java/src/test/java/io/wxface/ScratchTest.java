package io.wxface;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScratchTest {
    /**
     * A thread remembers the field names it reads (64 of them, by hash), so
     * many names share a place: each read still gives its own name, and a
     * name read again at once is the same String, not a new one.
     */
    @Test
    void rememberedFieldNamesAreNeverConfused() {
        Scratch s = Scratch.get();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 1000; i++) {
                String name = (i % 2 == 0 ? "calls.v1_verify." : "latency.") + i;
                byte[] block = ("x" + name + "\0").getBytes(StandardCharsets.UTF_8);
                String read = s.name(block, 1, block.length - 1);
                assertEquals(name, read);
                assertSame(read, s.name(block, 1, block.length - 1), name);
            }
        }
        byte[] utf8 = "字段\0".getBytes(StandardCharsets.UTF_8);
        assertEquals("字段", s.name(utf8, 0, utf8.length - 1));
    }
}
