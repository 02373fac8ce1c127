# Fails when docs/configuration.md differs from what the property table generates.
execute_process(COMMAND ${DOC_TOOL} OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
file(READ ${DOC_FILE} committed)
if(NOT rc EQUAL 0 OR NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/configuration.md is out of date: run build/core/spoor-config-doc > docs/configuration.md")
endif()
