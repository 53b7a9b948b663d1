// The `fence` clang-tidy module, loaded into Debian's clang-tidy-16 with
// --load=libfencedep-tidy.so. The plugin links no clang-tidy library: the
// registry and the check base class live in the clang-tidy binary.
#include "AtomicCallbackSleepCheck.h"
#include "LrDependencyCheck.h"
#include "LrExportCheck.h"
#include "LrResvAttachCheck.h"
#include "LrWaitInReclaimCheck.h"
#include "LrWaitUnderMmLockCheck.h"
#include "SignallingAllocCheck.h"
#include "SignallingLockInversionCheck.h"
#include "SignallingResvLockCheck.h"
#include "SignallingUnbalancedCheck.h"
#include "SignallingWaitCheck.h"
#include "SignallingWqReclaimCheck.h"

#include <clang-tidy/ClangTidyModule.h>
#include <clang-tidy/ClangTidyModuleRegistry.h>

namespace fencedep::tidy {

using analyzer::CheckId;
using analyzer::checkName;

class FenceModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<LrResvAttachCheck>(checkName(CheckId::LrResvAttach));
    Factories.registerCheck<LrExportCheck>(checkName(CheckId::LrExport));
    Factories.registerCheck<LrWaitInReclaimCheck>(checkName(CheckId::LrWaitInReclaim));
    Factories.registerCheck<LrWaitUnderMmLockCheck>(checkName(CheckId::LrWaitUnderMmLock));
    Factories.registerCheck<LrDependencyCheck>(checkName(CheckId::LrDependency));
    Factories.registerCheck<SignallingWaitCheck>(checkName(CheckId::SignallingWait));
    Factories.registerCheck<SignallingAllocCheck>(checkName(CheckId::SignallingAlloc));
    Factories.registerCheck<SignallingResvLockCheck>(checkName(CheckId::SignallingResvLock));
    Factories.registerCheck<SignallingLockInversionCheck>(
        checkName(CheckId::SignallingLockInversion));
    Factories.registerCheck<SignallingUnbalancedCheck>(checkName(CheckId::SignallingUnbalanced));
    Factories.registerCheck<AtomicCallbackSleepCheck>(checkName(CheckId::AtomicCallbackSleep));
    Factories.registerCheck<SignallingWqReclaimCheck>(checkName(CheckId::SignallingWqReclaim));
  }
};

} // namespace fencedep::tidy

static clang::tidy::ClangTidyModuleRegistry::Add<fencedep::tidy::FenceModule>
    FenceModuleRegistration("fence-module", "fencedep: dma-fence deadlock checks.");
