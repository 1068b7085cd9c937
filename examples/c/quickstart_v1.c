/* wxface 1.0 (getuseridkey / getinfo): register the person, let the mini
 * program verify the face, then judge the result on the server.
 *
 *   quickstart_v1 CONFIG start                             -> user_id_key
 *   quickstart_v1 CONFIG finish USER_ID_KEY VERIFY_RESULT  -> the verdict
 *
 * A HIS runs "start" when the patient opens the verification page and
 * "finish" when the mini program posts verifyResult back; both times the
 * name and ID number come from its own records, never from the phone. */
#include <stdio.h>
#include <string.h>
#include "wxface.h"

static const char NAME[] = "张三";
static const char ID_CARD_NUMBER[] = "11010519491231002X";

/* One client per process, shared by every thread; NULL on error. */
static wxface_client *open_client(const char *config_file, wxface_error *err) {
    wxface_client *client = NULL;
    wxface_config *cfg = wxface_config_new();
    if (cfg == NULL) {
        return NULL;
    }
    if (wxface_config_load_file(cfg, config_file, err) == WXFACE_OK) {
        wxface_client_new(cfg, &client, err);
    }
    wxface_config_free(cfg);
    return client;
}

int main(int argc, char **argv) {
    wxface_error err;
    wxface_client *client;
    int32_t rc;

    if (argc < 3) {
        fprintf(stderr, "usage: %s CONFIG start | CONFIG finish USER_ID_KEY VERIFY_RESULT\n", argv[0]);
        return 64;
    }
    client = open_client(argv[1], &err);
    if (client == NULL) {
        fprintf(stderr, "%s: %s\n", wxface_code_name(err.code), err.message);
        return 1;
    }

    if (strcmp(argv[2], "start") == 0 && argc == 3) {
        /* 1. Register the person; the mini program passes user_id_key to
              wx.startFacialRecognitionVerify. */
        wxface_response *r = NULL;
        rc = wxface_v1_get_user_id_key(client, NAME, ID_CARD_NUMBER, NULL, &r, &err);
        if (rc == WXFACE_OK) {
            printf("%s\n", wxface_response_str(r, "user_id_key"));
            wxface_response_free(r);
        }
    } else if (strcmp(argv[2], "finish") == 0 && argc == 5) {
        /* 2. The mini program sends back verifyResult: its "success" can be
              forged, so the verdict is the server's. */
        rc = wxface_v1_verify(client, argv[4], NAME, ID_CARD_NUMBER, argv[3], NULL, NULL, &err);
        if (rc == WXFACE_OK) {
            printf("VERIFIED: the expected person, just now\n");
        }
    } else {
        fprintf(stderr, "usage: %s CONFIG start | CONFIG finish USER_ID_KEY VERIFY_RESULT\n", argv[0]);
        wxface_client_free(client);
        return 64;
    }

    if (rc != WXFACE_OK) {
        /* err.message is safe to log: names and numbers in it are masked. */
        printf("REJECTED %s (%d): %s\n", wxface_code_name(rc), (int)rc, err.message);
    }
    wxface_client_free(client);
    return rc == WXFACE_OK ? 0 : 2;
}
