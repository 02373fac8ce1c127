# The C release (ci/package): `cpack -G TGZ` gives the tarball (headers, shared and static
# library, pkg-config file, CMake package, the spoor command; relocatable: extract it anywhere)
# and `cpack -G DEB` the .deb, whose dependencies dpkg-shlibdeps reads off libspoor.so and
# bin/spoor: Debian's runtime packages (libcurl4, libcjson1, libexpat1, zlib1g, libssl3,
# libmicrohttpd12, libc6), so `apt install ./spoor_*.deb` brings them. Built from a
# configuration with the core and the command only (no collector, tests or examples).
set(CPACK_PACKAGE_NAME spoor)
set(CPACK_PACKAGE_VENDOR "spoor")
set(CPACK_PACKAGE_CONTACT "spoor maintainers <spoor@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "server-side event tracking core (validate, queue, batch, deliver)")
set(CPACK_PACKAGE_DESCRIPTION "libspoor validates each tracking call at once, queues it, batches on a
background thread and delivers over HTTP(S) with retries, gzip, HMAC signing and an optional
on-disk spool. This package holds the shared and static library, the headers, the pkg-config
file, the CMake package (find_package(spoor)) and the spoor command (events and imports from a
shell, cron or a backfill).")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
string(TOLOWER "${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}" _spoor_platform)
set(CPACK_PACKAGE_FILE_NAME "spoor-${PROJECT_VERSION}-${_spoor_platform}")
set(CPACK_GENERATOR TGZ DEB)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # spoor_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/CPackProject.cmake)
include(CPack)
