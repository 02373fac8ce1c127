# Per generator (CPACK_PROJECT_CONFIG_FILE): the .deb installs under /usr, the tarball
# holds include/ and lib/ at its top, to extract anywhere (spoor.pc and the CMake
# package find their prefix from where they lie).
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_PACKAGING_INSTALL_PREFIX "")
endif()
