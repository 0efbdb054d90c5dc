"""HTTP routers: parse, call one domain use case, render."""
