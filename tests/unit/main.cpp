// The test runner: doctest's own main. Property tests call rapidcheck from doctest cases.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
