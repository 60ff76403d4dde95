package web

import (
	"maps"
	"slices"
)

// OpenAPIDoc is the API's OpenAPI document, for the contract tests.
var OpenAPIDoc = openAPIDoc

// OpenAPIPath is the OpenAPI path of a mux path.
var OpenAPIPath = openAPIPath

// APIPatterns are the mux patterns of the routes the document describes.
func APIPatterns() []string { return slices.Sorted(maps.Keys(apiRoutes)) }
