#include "libpq.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace apb::postgres {
namespace {

Libpq load() {
  // RTLD_LOCAL: libpq's symbols (and its libraries') stay out of the
  // process's global scope; never closed, as a linked library never is.
  void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    throw std::runtime_error(
        std::string("io.postgres needs libpq (libpq.so.5; Debian: apt install "
                    "libpq5): ") +
        dlerror());
  Libpq lib;
  auto bind = [&](auto& function, const char* name) {
    void* symbol = dlsym(handle, name);
    if (!symbol)
      throw std::runtime_error(std::string("io.postgres: libpq.so.5 has no ") +
                               name + " (libpq 14 or newer is needed)");
    function =
        reinterpret_cast<std::remove_reference_t<decltype(function)>>(symbol);
  };
#define APB_LIBPQ_BIND(name) bind(lib.name, #name);
  APB_LIBPQ_FUNCTIONS(APB_LIBPQ_BIND)
#undef APB_LIBPQ_BIND
  return lib;
}

}  // namespace

const Libpq& libpq() {
  static const Libpq lib = load();  // a failed load is retried next call
  return lib;
}

}  // namespace apb::postgres
