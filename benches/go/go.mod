module github.com/wxface/wxface/benches/go

go 1.21

require github.com/wxface/wxface/bindings/go v0.0.0

replace github.com/wxface/wxface/bindings/go => ../../bindings/go
