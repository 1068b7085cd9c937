package wxface

// #include <wxface.h>
import "C"

import (
	"context"
	"log/slog"
	"strconv"
)

// Level is the level of a library log line (WXFACE_LOG_*).
type Level int32

// Log levels, from the most to the least severe.
const (
	LevelError Level = C.WXFACE_LOG_ERROR
	LevelWarn  Level = C.WXFACE_LOG_WARN
	LevelInfo  Level = C.WXFACE_LOG_INFO
	LevelDebug Level = C.WXFACE_LOG_DEBUG
	LevelTrace Level = C.WXFACE_LOG_TRACE
)

// String is the level's name as the log_level key spells it.
func (l Level) String() string {
	switch l {
	case LevelError:
		return "error"
	case LevelWarn:
		return "warn"
	case LevelInfo:
		return "info"
	case LevelDebug:
		return "debug"
	case LevelTrace:
		return "trace"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// SlogLevel maps l onto log/slog's levels; trace sits below slog.LevelDebug.
func (l Level) SlogLevel() slog.Level {
	switch l {
	case LevelError:
		return slog.LevelError
	case LevelWarn:
		return slog.LevelWarn
	case LevelInfo:
		return slog.LevelInfo
	case LevelDebug:
		return slog.LevelDebug
	}
	return slog.LevelDebug - 4
}

// Logger receives the library's log lines: PII-free (names and ID numbers
// masked, secrets never shown). It is called from every goroutine that
// makes a call, possibly at the same time, so it must be safe for
// concurrent use. A panic in it is recovered and the line dropped.
type Logger func(level Level, msg string)

// SlogLogger adapts l for Config.Logger; each line is logged at
// level.SlogLevel() with the attribute component=wxface.
func SlogLogger(l *slog.Logger) Logger {
	return func(level Level, msg string) {
		l.Log(context.Background(), level.SlogLevel(), msg, slog.String("component", "wxface"))
	}
}
