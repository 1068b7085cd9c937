package io.wxface;

import java.util.Map;

/**
 * The photo taken during a verification (getimage): its bytes as WeChat
 * sent them and their content type. Immutable.
 *
 * <p>The photo is biometric data: store it only where the law allows, and
 * never log it. {@link #toString()} shows the content type and size only.
 */
public final class Image {
    private final byte[] data;
    private final String contentType;

    private Image(byte[] data, String contentType) {
        this.data = data;
        this.contentType = contentType;
    }

    /** From a getimage answer, which libwxface returns only with its {@code image} field. */
    static Image from(WxFaceResponse.Fields fields) {
        Map<String, byte[]> binary = fields.binary;
        byte[] data = binary.get("image");
        if (data == null) {
            throw new WxFaceException(WxFaceException.Code.BAD_RESPONSE, "getimage answer without an image field");
        }
        return new Image(data, fields.text.get("content_type"));
    }

    /** The photo's bytes (a JPEG from WeChat); a fresh copy on each call. */
    public byte[] data() {
        return data.clone();
    }

    /** The size of the photo in bytes, without copying it. */
    public int size() {
        return data.length;
    }

    /** The content type WeChat labelled the photo with, e.g. {@code image/jpeg}; null if it sent none. */
    public String contentType() {
        return contentType;
    }

    @Override
    public String toString() {
        return "Image[" + contentType + ", " + data.length + " bytes]";
    }
}
