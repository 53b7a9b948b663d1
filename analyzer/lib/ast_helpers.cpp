#include "ast_helpers.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/Builtins.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/Path.h>

using namespace clang;

namespace fencedep::analyzer {

AstEnv::AstEnv(ASTContext &C, const RuleSet &R) : ctx(C), sm(C.getSourceManager()), rules(R) {}

std::string AstEnv::fileName(FileID F) {
  auto It = files_.find(F);
  if (It != files_.end())
    return It->second;
  std::string Name;
  if (OptionalFileEntryRef FE = sm.getFileEntryRefForID(F)) {
    StringRef Real = FE->getFileEntry().tryGetRealPathName();
    if (!Real.empty()) {
      Name = Real.str();
    } else {
      llvm::SmallString<256> Abs(FE->getName());
      llvm::sys::fs::make_absolute(Abs);
      llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
      Name = Abs.str().str();
    }
  }
  files_[F] = Name;
  return Name;
}

Loc AstEnv::loc(SourceLocation L) {
  Loc Out;
  if (L.isInvalid())
    return Out;
  Out.raw = L.getRawEncoding();
  SourceLocation E = sm.getExpansionLoc(L);
  FileID F = sm.getFileID(E);
  Out.file = fileName(F);
  if (Out.file.empty())
    Out.file = sm.getBufferName(E).str();
  Out.line = sm.getExpansionLineNumber(E);
  Out.col = sm.getExpansionColumnNumber(E);
  return Out;
}

std::string AstEnv::functionKey(const FunctionDecl *FD) {
  const FunctionDecl *Canon = FD->getCanonicalDecl();
  std::string Name = Canon->getQualifiedNameAsString();
  if (Canon->isExternallyVisible())
    return Name;
  const FunctionDecl *Def = FD->getDefinition();
  SourceLocation Where = sm.getExpansionLoc((Def ? Def : Canon)->getLocation());
  return Name + "@" + fileName(sm.getFileID(Where));
}

std::string AstEnv::recordName(QualType T) {
  if (T.isNull())
    return "?";
  if (const auto *TT = T->getAs<TypedefType>())
    if (!T->getAsRecordDecl() || T->getAsRecordDecl()->getName().empty())
      return TT->getDecl()->getName().str();
  if (const RecordDecl *RD = T->getAsRecordDecl()) {
    if (!RD->getName().empty())
      return RD->getName().str();
    if (const TypedefNameDecl *TD = RD->getTypedefNameForAnonDecl())
      return TD->getName().str();
  }
  return T.getUnqualifiedType().getAsString();
}

std::string AstEnv::lrTypeOf(QualType T) const {
  if (rules.lrTypes.empty() || T.isNull())
    return {};
  if (T->isPointerType())
    T = T->getPointeeType();
  if (!T->getAsRecordDecl())
    return {};
  std::string Name = recordName(T);
  return rules.isLrType(Name) ? Name : std::string();
}

bool AstEnv::hasLrAnnotation(const Decl *D) const {
  if (!D || !D->hasAttrs())
    return false;
  for (const auto *A : D->specific_attrs<AnnotateAttr>())
    if (rules.isLrAnnotation(A->getAnnotation().str()))
      return true;
  return false;
}

const ApiInfo *AstEnv::api(const FunctionDecl *FD) const {
  if (!FD || !FD->getIdentifier())
    return nullptr;
  return rules.lookup(FD->getName().str());
}

const FunctionDecl *functionRef(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenCasts();
  const auto *DR = dyn_cast<DeclRefExpr>(E);
  return DR ? dyn_cast<FunctionDecl>(DR->getDecl()) : nullptr;
}

int paramIndex(const ParmVarDecl *P) {
  // Parameters of a function declarator know their position.
  return static_cast<int>(P->getFunctionScopeIndex());
}

const Expr *stripCondition(const Expr *E) {
  while (E) {
    E = E->IgnoreParenCasts();
    if (const auto *CE = dyn_cast<CallExpr>(E))
      if (CE->getBuiltinCallee() == Builtin::BI__builtin_expect && CE->getNumArgs() > 0) {
        E = CE->getArg(0);
        continue;
      }
    return E;
  }
  return E;
}

const VarDecl *AstEnv::rootVar(const Expr *E) {
  while (E) {
    E = E->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_AddrOf && UO->getOpcode() != UO_Deref)
        return nullptr;
      E = UO->getSubExpr();
    } else if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      E = ME->getBase();
    } else if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      E = AS->getBase();
    } else if (const auto *DR = dyn_cast<DeclRefExpr>(E)) {
      return dyn_cast<VarDecl>(DR->getDecl());
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

FenceVal AstEnv::fenceOf(const Expr *E, const FenceFacts &Facts) {
  FenceVal V;
  while (E) {
    E = E->IgnoreParenCasts();
    if (const auto *CE = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *FD = CE->getDirectCallee();
      if (!FD)
        return V;
      if (const ApiInfo *Info = api(FD)) {
        if (Info->passthrough >= 0 && static_cast<unsigned>(Info->passthrough) < CE->getNumArgs()) {
          E = CE->getArg(Info->passthrough);
          continue;
        }
        if (Info->lrReturning) {
          V.kind = FenceVal::Lr;
          V.origin = loc(CE->getBeginLoc());
          V.why = "'" + FD->getName().str() + "' returns long-running fences";
        }
        return V;
      }
      if (hasLrAnnotation(FD)) {
        V.kind = FenceVal::Lr;
        V.origin = loc(CE->getBeginLoc());
        V.why = "'" + FD->getName().str() + "' is declared to return long-running fences";
        return V;
      }
      V.kind = FenceVal::ReturnOf;
      V.callee = functionKey(FD);
      V.origin = loc(CE->getBeginLoc());
      return V;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_AddrOf && UO->getOpcode() != UO_Deref)
        return V;
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (hasLrAnnotation(ME->getMemberDecl())) {
        V.kind = FenceVal::Lr;
        V.origin = loc(ME->getMemberLoc());
        V.why = "field '" + ME->getMemberDecl()->getName().str() + "' is declared long-running";
        return V;
      }
      if (std::string T = lrTypeOf(ME->getType()); !T.empty()) {
        V.kind = FenceVal::Lr;
        V.origin = loc(ME->getMemberLoc());
        V.why = "field '" + ME->getMemberDecl()->getName().str() + "' is a '" + T +
                "', whose fences the rules mark long-running";
        return V;
      }
      // A fence embedded in (or reached from) a long-running object is
      // long-running: &pfence->base. Otherwise the field decides, as any
      // TU makes it long-running, and then the object's origin.
      FenceVal Base = fenceOf(ME->getBase(), Facts);
      if (Base.kind == FenceVal::Lr)
        return Base;
      LockRef Field = objectRef(ME);
      if (!Field.known())
        return Base;
      V.kind = FenceVal::Field;
      V.callee = Field.cls;
      V.param = Base.kind == FenceVal::Param ? Base.param : -1;
      V.origin = loc(ME->getMemberLoc());
      return V;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      E = AS->getBase();
      continue;
    }
    if (const auto *DR = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
      if (!VD)
        return V;
      if (hasLrAnnotation(VD)) {
        V.kind = FenceVal::Lr;
        V.origin = loc(VD->getLocation());
        V.why = "'" + VD->getName().str() + "' is declared long-running";
        return V;
      }
      if (std::string T = lrTypeOf(VD->getType()); !T.empty()) {
        V.kind = FenceVal::Lr;
        V.origin = loc(VD->getLocation());
        V.why = "'" + VD->getName().str() + "' is a '" + T +
                "', whose fences the rules mark long-running";
        return V;
      }
      auto It = Facts.find(VD);
      if (It != Facts.end())
        return It->second;
      if (const auto *P = dyn_cast<ParmVarDecl>(VD)) {
        V.kind = FenceVal::Param;
        V.param = paramIndex(P);
      }
      return V;
    }
    return V;
  }
  return V;
}

void AstEnv::macroNames(SourceLocation L, llvm::SmallVectorImpl<StringRef> &Out) const {
  const LangOptions &LO = ctx.getLangOpts();
  for (unsigned Guard = 0; L.isMacroID() && Guard < 64; ++Guard) {
    if (sm.isMacroArgExpansion(L)) {
      L = sm.getImmediateSpellingLoc(L);
      continue;
    }
    StringRef Name = Lexer::getImmediateMacroName(L, sm, LO);
    if (!Name.empty())
      Out.push_back(Name);
    L = sm.getImmediateExpansionRange(L).getBegin();
  }
}

std::string AstEnv::text(const Expr *E) const {
  CharSourceRange R = sm.getExpansionRange(E->getSourceRange());
  StringRef T = Lexer::getSourceText(R, sm, ctx.getLangOpts());
  return T.str();
}

namespace {

// Walks a gfp expression collecting the macro names its tokens came from,
// separately under `~` (cleared flags), and the parameter it reads.
struct GfpScan {
  const AstEnv &env;
  llvm::SmallVector<StringRef, 16> names, cleared;
  int param = -1;

  void walk(const Stmt *S, bool Negated) {
    if (!S)
      return;
    if (const auto *UO = dyn_cast<UnaryOperator>(S))
      if (UO->getOpcode() == UO_Not) {
        walk(UO->getSubExpr(), !Negated);
        return;
      }
    if (const auto *DR = dyn_cast<DeclRefExpr>(S))
      if (const auto *P = dyn_cast<ParmVarDecl>(DR->getDecl()))
        param = paramIndex(P);
    if (isa<DeclRefExpr>(S) || isa<IntegerLiteral>(S))
      env.macroNames(S->getBeginLoc(), Negated ? cleared : names);
    for (const Stmt *Child : S->children())
      walk(Child, Negated);
  }
};

} // namespace

GfpVal AstEnv::gfpOf(const Expr *E) {
  GfpVal G;
  GfpScan Scan{*this, {}, {}, -1};
  Scan.walk(E, false);
  std::string Written = text(E);
  if (Written.size() > 60 || Written.empty())
    Written.clear();
  for (StringRef N : Scan.cleared)
    if (rules.isGfpReclaimBit(N.str())) {
      G.kind = GfpVal::NoReclaim;
      G.spelling = Written.empty() ? ("~" + N).str() : Written;
      return G;
    }
  for (StringRef N : Scan.names)
    if (rules.isGfpNoReclaim(N.str())) {
      G.kind = GfpVal::NoReclaim;
      G.spelling = Written.empty() ? N.str() : Written;
      return G;
    }
  // The outermost reclaiming name is the one the author wrote.
  for (auto It = Scan.names.rbegin(); It != Scan.names.rend(); ++It)
    if (rules.isGfpReclaim(It->str())) {
      G.kind = GfpVal::Reclaim;
      G.spelling = Written.empty() ? It->str() : Written;
      return G;
    }
  if (Scan.param >= 0) {
    G.kind = GfpVal::Param;
    G.param = Scan.param;
    G.spelling = Written;
  }
  return G;
}

LockRef AstEnv::objectRef(const Expr *E) {
  LockRef L;
  if (!E)
    return L;
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    // Name the object after the record that holds it and the path of
    // fields inside it: vm->lr.lock is `xe_vm.lr.lock`, and so is
    // (&vm->lr)->lock, the form macros produce.
    std::string Fields;
    const MemberExpr *Cur = ME;
    QualType Record;
    while (true) {
      // Members of anonymous structs and unions have no name of their own.
      std::string Name = Cur->getMemberDecl()->getName().str();
      if (!Name.empty())
        Fields = Name + (Fields.empty() ? "" : "." + Fields);
      const Expr *Base = Cur->getBase()->IgnoreParenCasts();
      if (Cur->isArrow()) {
        const auto *Addr = dyn_cast<UnaryOperator>(Base);
        if (Addr && Addr->getOpcode() == UO_AddrOf) {
          if (const auto *Inner = dyn_cast<MemberExpr>(Addr->getSubExpr()->IgnoreParenCasts())) {
            Cur = Inner;
            continue;
          }
          Base = Addr->getSubExpr()->IgnoreParenCasts();
          Record = Base->getType();
          break;
        }
        Record = Base->getType()->getPointeeType();
        break;
      }
      if (const auto *Inner = dyn_cast<MemberExpr>(Base)) {
        Cur = Inner;
        continue;
      }
      Record = Base->getType();
      break;
    }
    L.cls = recordName(Record) + "." + Fields;
    return L;
  }
  if (const auto *DR = dyn_cast<DeclRefExpr>(E)) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    if (!VD)
      return L;
    if (const auto *P = dyn_cast<ParmVarDecl>(VD)) {
      L.param = paramIndex(P);
      return L;
    }
    if (VD->hasGlobalStorage()) {
      L.cls = VD->getName().str();
      if (VD->isStaticLocal())
        if (const auto *FD = dyn_cast<FunctionDecl>(VD->getDeclContext()))
          L.cls = FD->getName().str() + "." + L.cls;
    }
  }
  return L;
}

LockRef AstEnv::lockOf(const Expr *E) {
  while (E) {
    E = E->IgnoreParenCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_AddrOf)
        return {};
      E = UO->getSubExpr();
      continue;
    }
    // Lock "check" wrappers: spin_lock_irqsave(l) passes spinlock_check(l).
    if (const auto *CE = dyn_cast<CallExpr>(E)) {
      if (CE->getNumArgs() != 1)
        return {};
      E = CE->getArg(0);
      continue;
    }
    break;
  }
  return objectRef(E);
}

bool AstEnv::isWorkType(QualType T) const {
  const RecordDecl *RD = T.isNull() ? nullptr : T->getAsRecordDecl();
  if (!RD)
    return false;
  std::string Name = recordName(T);
  for (const std::string &F : rules.workBindFields)
    if (llvm::StringRef(F).split('.').first == Name)
      return true;
  return false;
}

std::string AstEnv::workClass(const Expr *E) {
  if (!E)
    return {};
  LockRef Obj = objectRef(E);
  if (!Obj.known())
    return {};
  QualType T = E->IgnoreParenCasts()->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  if (isWorkType(T))
    return Obj.cls;
  // A delayed_work or rcu_work is queued whole; its work_struct is what
  // INIT_DELAYED_WORK binds.
  if (const RecordDecl *RD = T->getAsRecordDecl())
    for (const FieldDecl *F : RD->fields())
      if (isWorkType(F->getType()))
        return Obj.cls + "." + F->getName().str();
  return Obj.cls;
}

void AstEnv::names(const Stmt *S, llvm::SmallVectorImpl<StringRef> &Out) const {
  if (!S)
    return;
  if (isa<DeclRefExpr>(S) || isa<IntegerLiteral>(S))
    macroNames(S->getBeginLoc(), Out);
  if (const auto *DR = dyn_cast<DeclRefExpr>(S))
    if (const auto *EC = dyn_cast<EnumConstantDecl>(DR->getDecl()))
      Out.push_back(EC->getName());
  for (const Stmt *Child : S->children())
    names(Child, Out);
}

} // namespace fencedep::analyzer
