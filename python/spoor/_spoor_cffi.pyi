# Type stub for the compiled cffi module (built from core/include/spoor.h).
from typing import Any

ffi: Any
lib: Any
