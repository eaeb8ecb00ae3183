// A networks header that includes the app layer: check_layers.cmake must refuse it.
#pragma once

#include "app/commands.hpp"
