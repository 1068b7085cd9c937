module github.com/wxface/wxface/bindings/go

go 1.21
