// Entity descriptors: which API fields are indexed columns (filterable, sortable) and what
// expand= and fields= accept. One per entity table.
#pragma once

#include "domain/list_query.h"

namespace dcmms::domain {

const EntityDescriptor& siteDescriptor();
const EntityDescriptor& zoneDescriptor();
const EntityDescriptor& assetDescriptor();
const EntityDescriptor& userDescriptor();
const EntityDescriptor& crewDescriptor();
const EntityDescriptor& workOrderDescriptor();

}  // namespace dcmms::domain
