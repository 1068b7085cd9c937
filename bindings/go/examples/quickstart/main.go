// Command quickstart is wxface 1.0 from Go: register the person, let the
// mini program verify the face, then judge the result on the server.
//
//	quickstart CONFIG start                             -> user_id_key
//	quickstart CONFIG finish USER_ID_KEY VERIFY_RESULT  -> the verdict
//
// Both times the name and ID number come from the HIS's own records.
package main

import (
	"errors"
	"fmt"
	"os"

	wxface "github.com/wxface/wxface/bindings/go"
)

const (
	name         = "张三"
	idCardNumber = "11010519491231002X"
)

func main() {
	os.Exit(run(os.Args))
}

func run(args []string) int {
	if len(args) < 3 || (args[2] != "start" && args[2] != "finish") || (args[2] == "finish" && len(args) != 5) {
		fmt.Fprintln(os.Stderr, "usage: quickstart CONFIG start | CONFIG finish USER_ID_KEY VERIFY_RESULT")
		return 64
	}
	client, err := wxface.NewClientFromFile(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer client.Close()

	if args[2] == "start" {
		key, err := client.V1GetUserIDKey(name, idCardNumber, "")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Println(key.UserIDKey)
		return 0
	}
	_, err = client.V1Verify(args[4], wxface.Expected{Name: name, IDCardNumber: idCardNumber, UserIDKey: args[3]})
	var rejected *wxface.Error
	if errors.As(err, &rejected) {
		// rejected.Message is safe to log: names and numbers in it are masked.
		fmt.Printf("REJECTED %s (%d): %s\n", rejected.CodeName, rejected.Code, rejected.Message)
		return 2
	} else if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Println("VERIFIED: the expected person, just now")
	return 0
}
