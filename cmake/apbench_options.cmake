# Compiler options of apbench's own targets, set per target so a project
# that adds apbench (as a subdirectory or through find_package) keeps its
# own flags.
#
# Sanitizers are PUBLIC but only in the build tree: the tests and
# executables linking an instrumented library are instrumented too, while
# an installed package never carries them.
function(apbench_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(APBENCH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # g++ 12 at -O3 reports overflows, overlaps and uninitialised reads inside
  # libstdc++'s std::string and std::optional that cannot happen (GCC bugs
  # 105329, 105651, 107138); the Debug and sanitizer builds keep them on.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND
     CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12)
    target_compile_options(${target} PRIVATE
      $<$<CONFIG:Release>:-Wno-restrict -Wno-stringop-overflow
                          -Wno-maybe-uninitialized>)
  endif()
  if(APBENCH_SANITIZE)
    get_target_property(type ${target} TYPE)
    set(scope PUBLIC)
    if(type STREQUAL "EXECUTABLE")
      set(scope PRIVATE)
    endif()
    target_compile_options(${target} ${scope}
      $<BUILD_INTERFACE:-fsanitize=${APBENCH_SANITIZE}>
      $<BUILD_INTERFACE:-fno-omit-frame-pointer>
      $<BUILD_INTERFACE:-fno-sanitize-recover=all>)
    target_link_options(${target} ${scope}
      $<BUILD_INTERFACE:-fsanitize=${APBENCH_SANITIZE}>)
    if(APBENCH_SANITIZE MATCHES "thread")
      # g++ warns that TSan does not model atomic_thread_fence, which Asio's
      # executors use next to mutex operations TSan does see.
      target_compile_options(${target} ${scope} $<BUILD_INTERFACE:-Wno-tsan>)
    endif()
  endif()
endfunction()
