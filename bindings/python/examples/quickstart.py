"""wxface 1.0 from Python: register the person, let the mini program verify
the face, then judge the result on the server.

    python quickstart.py CONFIG start                             -> user_id_key
    python quickstart.py CONFIG finish USER_ID_KEY VERIFY_RESULT  -> the verdict

Both times the name and ID number come from the HIS's own records.
"""

import sys

import wxface

NAME = "张三"
ID_CARD_NUMBER = "11010519491231002X"


def main(argv: list) -> int:
    if len(argv) not in (3, 5) or argv[2] not in ("start", "finish"):
        print(__doc__, file=sys.stderr)
        return 64
    with wxface.Client.from_file(argv[1]) as client:
        if argv[2] == "start":
            print(client.v1_get_user_id_key(NAME, ID_CARD_NUMBER).user_id_key)
            return 0
        try:
            client.v1_verify(argv[4], NAME, ID_CARD_NUMBER, user_id_key=argv[3])
        except wxface.WxFaceError as e:
            # e.message is safe to log: names and numbers in it are masked.
            print("REJECTED %s (%d): %s" % (e.code_name, e.code, e.message))
            return 2
        print("VERIFIED: the expected person, just now")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
