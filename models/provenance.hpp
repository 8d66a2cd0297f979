// Provenance of a number: where it came from and how hard it is. Kept from the catalog or the scenario
// all the way into summary.json, so a reader can see which assumptions are soft.
#pragma once

#include <string>
#include <string_view>

namespace gigasim {

// Labels follow ../shared/reference/REFERENCE.md.
enum class Label {
  kOfficial,  // vendor datasheet or documentation, paper, filing
  kVendorClaim,  // vendor performance claim
  kEstimate,  // press, analyst
  kDerived,  // computed here from other cited numbers
  kMeasured,  // measured on a real device for this project
  kWhatIf,  // an assumption about hardware that does not exist yet
  kScenario,  // set by the scenario author
};

std::string_view to_string(Label label);
// Returns false when `text` names no label.
bool parse_label(std::string_view text, Label& out);

struct Provenance {
  Label label = Label::kScenario;
  std::string source;  // citation text
  std::string note;  // how it was derived, or what a what-if assumes; may be empty
};

// A number with its provenance. The unit is in the name of the field that holds it.
struct Quantity {
  double value = 0.0;
  Provenance provenance;
};

}  // namespace gigasim
