# Project-wide build options and the warning/arch interface targets.
option(BBS_DSE_BUILD_TESTS "Build the GoogleTest suite" ON)
option(BBS_DSE_BUILD_BENCH "Build the Google Benchmark programs" ON)
option(BBS_DSE_BUILD_FUZZ "Build the fuzz targets (fuzz/) and run them for a bounded time in ctest" ON)
option(BBS_DSE_LIBFUZZER "Link the fuzz targets with libFuzzer (clang only; scripts/fuzz.sh)" OFF)
option(BBS_DSE_WERROR "Treat warnings as errors on project targets" ON)
# The bit statistics run on 64-bit words with popcount. Debian's baseline x86-64 has no POPCNT,
# which makes them ~6x slower. "native" is right when you build where you run (the default);
# use x86-64-v2 (or v3) for a binary that moves between machines. Results never depend on it:
# every computation is integer arithmetic.
set(BBS_DSE_MARCH "native" CACHE STRING "Value for -march (empty: compiler default)")

add_library(project_warnings INTERFACE)
target_compile_options(project_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
  -Wno-sign-conversion
  $<$<BOOL:${BBS_DSE_WERROR}>:-Werror>
  # GCC 12 false positive: -Wrestrict in std::string operator+ when inlined at -O3
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)

add_library(project_arch INTERFACE)
if(BBS_DSE_MARCH)
  target_compile_options(project_arch INTERFACE -march=${BBS_DSE_MARCH})
endif()

# One helper so every library target gets the same settings.
function(bbs_library name)
  add_library(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE project_warnings PUBLIC project_arch)
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()
