/** Owner tags moved to the core, which every package's leftovers share (the client's fixer scratch directories too). */
export { currentOwner, ownerGone, ownerTag, parseOwner, processState, type Owner } from "@shipgate/core";
