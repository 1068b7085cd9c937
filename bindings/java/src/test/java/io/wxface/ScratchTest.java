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

    /**
     * The names of WeChat's usual answers are all kept once read, so a
     * call makes none of them again; errcode and identify_ret, and errmsg
     * and verify_ret, hash to the same place.
     */
    @Test
    void theNamesOfTheUsualAnswersAreReadOnce() {
        String[] names = {
            "errcode", "errmsg", "identify_ret", "identify_time", "validate_data", "openid", "user_id_key",
            "finish_time", "id_card_number_md5", "name_utf8_md5", "verify_ret", "expires_in", "verify_id",
            "cert_hash", "ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "out_seq_no", "verify_result",
        };
        Scratch s = Scratch.get();
        String[] first = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            byte[] b = names[i].getBytes(StandardCharsets.UTF_8);
            first[i] = s.name(b, 0, b.length);
        }
        for (int i = 0; i < names.length; i++) {
            byte[] b = names[i].getBytes(StandardCharsets.UTF_8);
            assertSame(first[i], s.name(b, 0, b.length), names[i]);
        }
    }
}
