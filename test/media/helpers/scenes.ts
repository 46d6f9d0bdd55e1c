/**
 * Synthetic scenes for the picture tests, as ffmpeg lavfi sources (1280x720). A "room" is a
 * wall, furniture, a window, a door and a picture frame: large shapes with straight edges, what
 * a nursery camera mostly sees. Variants change only the light, or change the view.
 */

export const SIZE = "1280x720";

/** Playroom A: the approved view in the comparisons. */
export const ROOM_A = [
  `color=c=0x706050:s=${SIZE}:r=25`,
  "drawbox=x=60:y=400:w=400:h=260:color=0x3a2a1a:t=fill", // cupboard
  "drawbox=x=560:y=80:w=300:h=200:color=0xd8d8e8:t=fill", // window
  "drawbox=x=900:y=300:w=250:h=380:color=0x2050a0:t=fill", // door
  "drawgrid=w=80:h=80:t=2:c=0x605040", // tiles
  "drawbox=x=100:y=100:w=200:h=120:color=0xa04040:t=fill", // picture
].join(",");

/** Another room: same kind of content, different layout. */
export const ROOM_B = [
  `color=c=0x8a9070:s=${SIZE}:r=25`,
  "drawbox=x=700:y=350:w=500:h=300:color=0x403a30:t=fill",
  "drawbox=x=100:y=60:w=250:h=300:color=0xe0e0d0:t=fill",
  "drawbox=x=400:y=420:w=200:h=260:color=0x902020:t=fill",
  "drawbox=x=0:y=600:w=1280:h=8:color=0x303030:t=fill",
].join(",");

/** Room A continued to the right (2560 wide): turning the camera shows the other half. */
export const ROOM_A_WIDE = [
  ROOM_A,
  "pad=2560:720:0:0:color=0x8a9070",
  "drawbox=x=1500:y=200:w=300:h=400:color=0x303030:t=fill",
  "drawbox=x=1900:y=500:w=500:h=100:color=0xc0c0c0:t=fill",
].join(",");

/** Night without IR: the same room, dim, with the sensor's temporal noise (gain turned up). */
export const DIM_NOISY = "lutyuv=y=val*0.3+8,noise=alls=12:allf=t+u";
