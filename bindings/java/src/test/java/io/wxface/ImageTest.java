package io.wxface;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** getimage, 1.0 and 2.0, against the sandbox: the photo as bytes, WeChat's refusals as codes. */
class ImageTest {
    static final String NAME = "张三";
    static final String ID = "11010519491231002X";
    static final String OPENID = "o_java_image_user_000000000001";
    static final String GET_IMAGE = "/cityservice/face/identify/getimage";

    private static Sandbox sandbox;
    private static WxFaceClient client;

    @BeforeAll
    static void start() throws IOException {
        sandbox = Sandbox.start();
        client = sandbox.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    static void assertJpeg(Image image) {
        byte[] data = image.data();
        assertTrue(data.length > 3, image.toString());
        assertEquals(0xFF, data[0] & 0xFF);
        assertEquals(0xD8, data[1] & 0xFF);
        assertEquals(0xFF, data[2] & 0xFF);
        assertEquals(data.length, image.size());
        assertEquals("image/jpeg", image.contentType());
    }

    static String completedV1() {
        String key = client.v1GetUserIdKey(NAME, ID).getUserIdKey();
        return sandbox.post("/sandbox/v1/complete", new JSONObject().put("user_id_key", key))
                .getString("verify_result");
    }

    @Test
    void v1ImageOfAFinishedVerificationIsAJpeg() {
        Image image = client.v1GetImage(completedV1());
        assertJpeg(image);
        assertEquals("Image[image/jpeg, " + image.size() + " bytes]", image.toString());
    }

    @Test
    void imageDataIsACopyTheCallerCannotAlter() {
        Image image = client.v1GetImage(completedV1());
        byte[] first = image.data();
        byte[] kept = first.clone();
        first[0] = 0;
        assertArrayEquals(kept, image.data());
    }

    @Test
    void v1ImageOfAnUnknownVerifyResultIsVerifyResultInvalid() {
        WxFaceException e = assertThrows(WxFaceException.class,
                () -> client.v1GetImage("forged-by-the-front-end-0000"));
        assertEquals(WxFaceException.Code.VERIFY_RESULT_INVALID, e.getCode(), e.getMessage());
        assertEquals(84001, e.getWechatErrcode());
    }

    @Test
    void thereIsNo20GetImage() {
        // WeChat's 2.0 API has no getimage: 0.2 removed it.
        for (java.lang.reflect.Method m : WxFaceClient.class.getMethods()) {
            assertFalse(m.getName().equals("v2GetImage"), "v2GetImage still exists");
        }
    }

    @Test
    void aPhotoRelabelledByAGatewayIsStillReadAsBytes() {
        String vr = completedV1();
        sandbox.fault(new JSONObject().put("path", GET_IMAGE).put("kind", "content_type").put("count", 1));
        Image image = client.v1GetImage(vr);
        byte[] data = image.data();
        assertEquals(0xFF, data[0] & 0xFF);
        assertEquals(0xD8, data[1] & 0xFF);
    }

    @Test
    void badArgumentsNeverReachTheNetwork() {
        long sent = sandbox.requests(GET_IMAGE);
        assertEquals("verifyResult",
                assertThrows(NullPointerException.class, () -> client.v1GetImage(null)).getMessage());
        assertEquals(WxFaceException.Code.INVALID_ARGUMENT, assertThrows(WxFaceException.class,
                () -> client.v1GetImage("vr\0tail")).getCode());
        assertEquals(sent, sandbox.requests(GET_IMAGE), "no getimage request was sent");
    }
}
