import io.wxface.WxFaceClient;
import io.wxface.WxFaceException;
import java.nio.file.Paths;

/**
 * wxface 1.0 from Java: register the person, let the mini program verify
 * the face, then judge the result on the server.
 *
 * <pre>
 *   java Quickstart CONFIG start                             -> user_id_key
 *   java Quickstart CONFIG finish USER_ID_KEY VERIFY_RESULT  -> the verdict
 * </pre>
 *
 * Both times the name and ID number come from the HIS's own records.
 */
public final class Quickstart {
    private static final String NAME = "张三";
    private static final String ID_CARD_NUMBER = "11010519491231002X";

    public static void main(String[] args) {
        boolean start = args.length == 2 && args[1].equals("start");
        boolean finish = args.length == 4 && args[1].equals("finish");
        if (!start && !finish) {
            System.err.println("usage: Quickstart CONFIG start | CONFIG finish USER_ID_KEY VERIFY_RESULT");
            System.exit(64);
        }
        try (WxFaceClient client = WxFaceClient.fromFile(Paths.get(args[0]))) {
            if (start) {
                System.out.println(client.v1GetUserIdKey(NAME, ID_CARD_NUMBER).getUserIdKey());
                return;
            }
            client.v1Verify(args[3], NAME, ID_CARD_NUMBER, args[2], null);
            System.out.println("VERIFIED: the expected person, just now");
        } catch (WxFaceException e) {
            // getDetail() is safe to log: names and numbers in it are masked.
            System.out.println("REJECTED " + e.getCodeName() + " (" + e.getCodeValue() + "): " + e.getDetail());
            System.exit(2);
        }
    }
}
