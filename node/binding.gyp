{
  # The addon and the C core, compiled together into one spoor.node.
  # The core is ../core in the repository, or ./core in a packed tarball
  # (scripts/copy-core.js copies it there before `npm pack`). scripts/gyp.js says
  # what to compile, include and link, and exports only the Node-API hooks.
  "targets": [{
    "target_name": "spoor",
    "sources": [
      "src/addon.cc",
      "<!@(node scripts/gyp.js sources)"
    ],
    "include_dirs": [
      "<!@(node scripts/gyp.js includes)"
    ],
    "defines": ["SPOOR_BUILDING", "_GNU_SOURCE", "NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "cflags": ["-fvisibility=hidden", "-Wall"],
    "cflags_c": ["-std=gnu11"],
    "cflags_cc": ["-std=c++17", "-fexceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "libraries": ["<!@(node scripts/gyp.js libraries)"],
    "ldflags": ["<!@(node scripts/gyp.js ldflags)"]
  }]
}
