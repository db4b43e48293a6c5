//! Choosing among candidate functions or operators as `func_select_candidate` does.

use crate::pg::deparse::typesys::{resolve_polymorphic, CoercionContext, Ty};
use crate::pg::deparse::ExprContext;

use super::*;

impl ExprContext<'_> {
    /// `func_match_argtypes` followed by `func_select_candidate`: the index of the chosen
    /// candidate.
    pub(crate) fn select_candidate(
        &self,
        inputs: &[Ty],
        cands: &[Vec<Ty>],
        rets: &[Ty],
    ) -> Option<usize> {
        let mut live: Vec<usize> = (0..cands.len())
            .filter(|&i| {
                cands[i].len() == inputs.len()
                    && inputs.iter().zip(&cands[i]).all(|(a, d)| {
                        d.is_opaque() || self.can_coerce(a, d, CoercionContext::Implicit)
                    })
                    && (!cands[i].iter().any(Ty::is_polymorphic)
                        || resolve_polymorphic(self, inputs, &cands[i], &rets[i]).is_some())
            })
            .collect();
        if live.len() <= 1 {
            return live.first().copied();
        }
        let base: Vec<Ty> = inputs.iter().map(|t| self.base_type(t)).collect();
        let nunknowns = base.iter().filter(|t| t.is_unknown()).count();
        // Most exact matches.
        live = keep_max(&live, |i| {
            base.iter()
                .zip(&cands[i])
                .filter(|(a, d)| !a.is_unknown() && a == d)
                .count()
        });
        if live.len() == 1 {
            return Some(live[0]);
        }
        // Most exact-or-preferred matches.
        let cats: Vec<u8> = base.iter().map(|t| self.category(t)).collect();
        live = keep_max(&live, |i| {
            base.iter()
                .zip(&cands[i])
                .enumerate()
                .filter(|(k, (a, d))| {
                    !a.is_unknown() && (a == d || self.is_preferred_in(cats[*k], d))
                })
                .count()
        });
        if live.len() == 1 {
            return Some(live[0]);
        }
        if nunknowns == 0 {
            return None;
        }
        // Resolve unknown positions by category, preferring STRING.
        let mut resolved = true;
        let mut slot_cat = vec![0u8; base.len()];
        let mut slot_pref = vec![false; base.len()];
        for k in 0..base.len() {
            if !base[k].is_unknown() {
                continue;
            }
            let mut cat = 0u8;
            let mut pref = false;
            let mut conflict = false;
            for &i in &live {
                let info = self.type_info(&cands[i][k]);
                if cat == 0 {
                    cat = info.category;
                    pref = info.preferred;
                } else if info.category == cat {
                    pref |= info.preferred;
                } else if info.category == b'S' {
                    cat = b'S';
                    pref = info.preferred;
                } else {
                    conflict = true;
                }
            }
            if conflict && cat != b'S' {
                resolved = false;
                break;
            }
            slot_cat[k] = cat;
            slot_pref[k] = pref;
        }
        if resolved {
            let kept: Vec<usize> = live
                .iter()
                .copied()
                .filter(|&i| {
                    (0..base.len()).all(|k| {
                        if !base[k].is_unknown() {
                            return true;
                        }
                        let info = self.type_info(&cands[i][k]);
                        info.category == slot_cat[k] && (!slot_pref[k] || info.preferred)
                    })
                })
                .collect();
            if !kept.is_empty() {
                live = kept;
            }
        }
        if live.len() == 1 {
            return Some(live[0]);
        }
        // Last gasp: unknowns take the single known type.
        if nunknowns < base.len() {
            let known: Vec<&Ty> = base.iter().filter(|t| !t.is_unknown()).collect();
            if known.iter().all(|t| *t == known[0]) {
                let assumed = vec![known[0].clone(); base.len()];
                let m: Vec<usize> = live
                    .iter()
                    .copied()
                    .filter(|&i| {
                        assumed
                            .iter()
                            .zip(&cands[i])
                            .all(|(a, d)| self.can_coerce(a, d, CoercionContext::Implicit))
                    })
                    .collect();
                if m.len() == 1 {
                    return Some(m[0]);
                }
            }
        }
        None
    }
}

pub(super) fn keep_max(live: &[usize], score: impl Fn(usize) -> usize) -> Vec<usize> {
    let best = live.iter().map(|&i| score(i)).max().unwrap_or(0);
    live.iter().copied().filter(|&i| score(i) == best).collect()
}

/// The argument types a function expects for `nargs` arguments, or `None` when it cannot take
/// that many.
pub(super) fn expand_args(f: &Func, nargs: usize) -> Option<Vec<Ty>> {
    let n = f.args.len();
    if let Some(elem) = &f.variadic {
        let fixed = n - 1;
        if nargs > fixed {
            let mut v = f.args[..fixed].to_vec();
            v.extend(std::iter::repeat_n(elem.clone(), nargs - fixed));
            return Some(v);
        }
        return None;
    }
    if nargs <= n && nargs + f.ndefaults >= n {
        return Some(f.args[..nargs].to_vec());
    }
    None
}
